package com.bunqconnector.emulator;

import com.bunqconnector.emulator.ResourceModel.Pointer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict readers for the fields of resource bodies (amounts, pointers, texts, flags). Each takes
 * the field's full name as the client sees it ({@code "entries[1].amount"}) and fails with a 400
 * {@link ApiError} that names it.
 */
final class Fields {

  /** A positive or zero amount with at most two decimals, as a JSON string. */
  private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");
  private static final Set<String> POINTER_TYPES = Set.of("IBAN", "EMAIL", "PHONE_NUMBER");

  private Fields() {
  }

  /**
   * A numeric id from the path; anything that is not one cannot name an object, so it gets bunq's
   * 404 for the type.
   */
  static long pathId(String raw, String type) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw notFound(type, raw);
    }
  }

  /** bunq's 404 for an unknown object: {@code Payment for id "42" not found.} */
  static ApiError notFound(String type, Object id) {
    return ApiError.notFound(type + " for id \"" + id + "\" not found.");
  }

  /** The last path segment of a full field name: {@code "entries[0].amount"} gives {@code "amount"}. */
  private static String key(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** A required JSON object. */
  static JsonObject object(JsonObject json, String name) {
    Object value = json.getValue(key(name));
    if (value == null) {
      throw ApiError.badRequest("Field \"" + name + "\" is required.");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("Field \"" + name + "\" must be an object.");
    }
    return object;
  }

  /** An optional JSON array; {@code null} when absent. */
  static JsonArray optionalArray(JsonObject json, String name) {
    Object value = json.getValue(key(name));
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiError.badRequest("Field \"" + name + "\" must be an array.");
    }
    return array;
  }

  /** A required EUR Amount object whose value is greater than zero. */
  static BigDecimal positiveAmount(JsonObject json, String name) {
    BigDecimal value = amount(json, name);
    if (value.signum() <= 0) {
      throw ApiError.badRequest("Field \"" + name + ".value\" must be greater than zero.");
    }
    return value;
  }

  /** A required EUR Amount object ({@code {"value":"12.50","currency":"EUR"}}); zero is allowed. */
  static BigDecimal amount(JsonObject json, String name) {
    JsonObject amount = object(json, name);
    Object value = amount.getValue("value");
    if (!(value instanceof String text) || !AMOUNT.matcher(text).matches()) {
      throw ApiError.badRequest("Field \"" + name
          + ".value\" must be a string holding a positive amount with at most two decimals.");
    }
    if (!BunqJson.CURRENCY.equals(amount.getValue("currency"))) {
      throw ApiError.badRequest("Field \"" + name + ".currency\" must be \"EUR\".");
    }
    return new BigDecimal(text).setScale(2);
  }

  /**
   * A required Pointer: {@code type} IBAN, EMAIL or PHONE_NUMBER, a non-empty {@code value} (a
   * valid IBAN for type IBAN) and {@code name}, which bunq demands for IBANs.
   */
  static Pointer pointer(JsonObject json, String name) {
    JsonObject alias = object(json, name);
    Object type = alias.getValue("type");
    if (!(type instanceof String kind) || !POINTER_TYPES.contains(kind)) {
      throw ApiError.badRequest("Field \"" + name + ".type\" must be one of IBAN, EMAIL or PHONE_NUMBER.");
    }
    String value = requiredText(alias, name + ".value");
    boolean iban = "IBAN".equals(kind);
    String label = iban ? requiredText(alias, name + ".name") : optionalString(alias, name + ".name");
    if (iban && !Iban.isValid(value)) {
      throw ApiError.badRequest("Field \"" + name + ".value\" is not a valid IBAN.");
    }
    return new Pointer(kind, iban ? value.replace(" ", "").toUpperCase() : value, label);
  }

  /** A required, non-blank string. */
  static String requiredText(JsonObject json, String name) {
    String text = optionalString(json, name);
    if (text == null) {
      throw ApiError.badRequest("Field \"" + name + "\" is required.");
    }
    if (text.isBlank()) {
      throw ApiError.badRequest("Field \"" + name + "\" must not be empty.");
    }
    return text;
  }

  /** A required string that may be empty, at most {@code max} characters long. */
  static String description(JsonObject json, String name, int max) {
    Object value = json.getValue(key(name));
    if (!(value instanceof String text)) {
      throw ApiError.badRequest("Field \"" + name + "\" is required and must be a string.");
    }
    if (text.length() > max) {
      throw ApiError.badRequest("Field \"" + name + "\" must be at most " + max + " characters.");
    }
    return text;
  }

  /** An optional string; {@code null} when absent or null. */
  static String optionalString(JsonObject json, String name) {
    Object value = json.getValue(key(name));
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiError.badRequest("Field \"" + name + "\" must be a string.");
    }
    return text;
  }

  /** An optional string that, when present, must be one of {@code allowed}. */
  static String optionalChoice(JsonObject json, String name, Set<String> allowed) {
    String value = optionalString(json, name);
    if (value != null && !allowed.contains(value)) {
      throw ApiError.badRequest("Field \"" + name + "\" must be one of " + String.join(", ", allowed.stream()
          .sorted().toList()) + ".");
    }
    return value;
  }

  /** A required JSON boolean. */
  static boolean requiredBoolean(JsonObject json, String name) {
    Object value = json.getValue(key(name));
    if (!(value instanceof Boolean flag)) {
      throw ApiError.badRequest("Field \"" + name + "\" is required and must be true or false.");
    }
    return flag;
  }

  /** An optional whole number within {@code [min, max]}; {@code null} when absent. */
  static Integer optionalInt(JsonObject json, String name, int min, int max) {
    Object value = json.getValue(key(name));
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw ApiError.badRequest("Field \"" + name + "\" must be a whole number from " + min + " to " + max + ".");
    }
    return ((Number) value).intValue();
  }
}
