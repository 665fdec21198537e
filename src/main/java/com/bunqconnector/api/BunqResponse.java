package com.bunqconnector.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A successful, verified bunq response.
 *
 * @param status     HTTP status (2xx)
 * @param body       the parsed body, as bunq sent it
 * @param responseId bunq's {@code X-Bunq-Client-Response-Id}, or {@code null}
 * @param pages      how many pages of a list were read into {@code body} (1 unless the list was walked)
 * @param complete   false when a walk of a list stopped at the connector's cap of pages or time
 *                   before bunq's last page or the caller's limit of items
 */
public record BunqResponse(int status, JsonObject body, String responseId, int pages, boolean complete) {

  /** One response of one page. */
  public BunqResponse(int status, JsonObject body, String responseId) {
    this(status, body, responseId, 1, true);
  }

  /** The {@code Response} array, empty when absent. */
  public JsonArray items() {
    JsonArray items = body.getJsonArray("Response");
    return items == null ? new JsonArray() : items;
  }

  /** The {@code Pagination} object, or {@code null}. */
  public JsonObject pagination() {
    return body.getJsonObject("Pagination");
  }

  /** The object inside the first item whose single key is {@code type}, or {@code null}. */
  public JsonObject item(String type) {
    for (Object item : items()) {
      if (item instanceof JsonObject wrapper && wrapper.getValue(type) instanceof JsonObject inner) {
        return inner;
      }
    }
    return null;
  }
}
