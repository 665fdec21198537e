package com.bunqconnector.callback;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A checked bunq callback body: a {@code NotificationUrl} with a category and exactly one object.
 *
 * @param body       the whole body as received
 * @param category   {@code NotificationUrl.category}
 * @param eventType  {@code NotificationUrl.event_type}, or {@code null}
 * @param objectType the single key of {@code NotificationUrl.object}
 */
record Notification(JsonObject body, String category, String eventType, String objectType) {

  /** The object inside {@code NotificationUrl.object}, such as the {@code Payment}. */
  JsonObject object() {
    return body.getJsonObject("NotificationUrl").getJsonObject("object").getJsonObject(objectType);
  }

  /** Reads a body, or throws {@link IllegalArgumentException} saying what is wrong with it. */
  static Notification parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw new IllegalArgumentException("body is empty");
    }
    JsonObject body;
    try {
      body = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("body is not a JSON object");
    }
    if (!(body.getValue("NotificationUrl") instanceof JsonObject notification)) {
      throw new IllegalArgumentException("body has no NotificationUrl object");
    }
    if (!(notification.getValue("category") instanceof String category) || category.isBlank()) {
      throw new IllegalArgumentException("NotificationUrl.category is missing");
    }
    Object eventType = notification.getValue("event_type");
    if (eventType != null && !(eventType instanceof String)) {
      throw new IllegalArgumentException("NotificationUrl.event_type is not a string");
    }
    if (!(notification.getValue("object") instanceof JsonObject object)) {
      throw new IllegalArgumentException("NotificationUrl.object is missing");
    }
    Set<String> keys = object.fieldNames();
    if (keys.size() != 1) {
      throw new IllegalArgumentException("NotificationUrl.object must hold exactly one object, holds " + keys.size());
    }
    String objectType = keys.iterator().next();
    if (!(object.getValue(objectType) instanceof JsonObject)) {
      throw new IllegalArgumentException("NotificationUrl.object." + objectType + " is not an object");
    }
    return new Notification(body, category, (String) eventType, objectType);
  }
}
