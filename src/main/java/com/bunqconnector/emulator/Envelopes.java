package com.bunqconnector.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * bunq's top-level envelopes: {@code {"Response":[{"Type":{...}}, ...]}} for success (plus a
 * sibling {@code Pagination} on listings) and {@code {"Error":[{...}]}} for failures.
 */
final class Envelopes {

  private Envelopes() {
  }

  /** A single-key wrapper object such as {@code {"Payment":{...}}}. */
  static JsonObject wrap(String type, JsonObject object) {
    return new JsonObject().put(type, object);
  }

  /** {@code {"Id":{"id":N}}}, the answer of create calls. */
  static JsonObject id(long id) {
    return wrap("Id", new JsonObject().put("id", id));
  }

  /** A success envelope holding the given wrapped items in order. */
  static JsonObject response(List<JsonObject> items) {
    return new JsonObject().put("Response", new JsonArray(List.copyOf(items)));
  }

  static JsonObject response(JsonObject... items) {
    return response(List.of(items));
  }

  /** A listing: the items, then the {@code Pagination} object. */
  static JsonObject listing(List<JsonObject> items, JsonObject pagination) {
    return response(items).put("Pagination", pagination);
  }

  /**
   * An error envelope. {@code error_description} is English; {@code error_description_translated} is
   * Dutch when {@code language} (the call's {@code X-Bunq-Language}, may be null) asks for it and
   * {@link DutchErrors} knows the text, and English otherwise.
   */
  static JsonObject error(String description, String language) {
    String translated = DutchErrors.wanted(language) ? DutchErrors.translate(description).orElse(description)
        : description;
    return new JsonObject().put("Error", new JsonArray().add(new JsonObject()
        .put("error_description", description)
        .put("error_description_translated", translated)));
  }
}
