package com.bunqconnector.callback;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

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

  /** How bunq writes categories and event types, such as {@code MUTATION_CREATED}; nothing else reaches a log. */
  private static final Pattern CODE = Pattern.compile("[A-Z0-9_]{1,64}");
  /** How bunq names object types, such as {@code MasterCardAction}. */
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9]{1,64}");

  /**
   * Reads a body, or throws {@link IllegalArgumentException} saying what is wrong with it (never
   * quoting what the body holds: the reason is logged).
   */
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
    if (!CODE.matcher(category).matches()) {
      throw new IllegalArgumentException("NotificationUrl.category is not a bunq category (upper-case letters,"
          + " digits and '_')");
    }
    Object eventType = notification.getValue("event_type");
    if (eventType != null && !(eventType instanceof String)) {
      throw new IllegalArgumentException("NotificationUrl.event_type is not a string");
    }
    if (eventType != null && !CODE.matcher((String) eventType).matches()) {
      throw new IllegalArgumentException("NotificationUrl.event_type is not a bunq event type (upper-case letters,"
          + " digits and '_')");
    }
    if (!(notification.getValue("object") instanceof JsonObject object)) {
      throw new IllegalArgumentException("NotificationUrl.object is missing");
    }
    Set<String> keys = object.fieldNames();
    if (keys.size() != 1) {
      throw new IllegalArgumentException("NotificationUrl.object must hold exactly one object, holds " + keys.size());
    }
    String objectType = keys.iterator().next();
    if (!TYPE.matcher(objectType).matches()) {
      throw new IllegalArgumentException("NotificationUrl.object holds a key that is not a bunq object type (letters"
          + " and digits)");
    }
    if (!(object.getValue(objectType) instanceof JsonObject)) {
      throw new IllegalArgumentException("NotificationUrl.object." + objectType + " is not an object");
    }
    return new Notification(body, category, (String) eventType, objectType);
  }
}
