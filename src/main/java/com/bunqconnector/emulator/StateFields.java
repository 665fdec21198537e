package com.bunqconnector.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Reads one field of a state-file object as {@link StateWriter} wrote it, or throws
 * {@link IllegalArgumentException} naming the field and what it should be (never its text: some
 * fields hold secrets). {@link StateReader} builds objects from these. Optional fields read as
 * {@code null} when absent or null.
 */
final class StateFields {

  private StateFields() {
  }

  static byte[] base64(JsonObject j, String field) {
    try {
      return Base64.getDecoder().decode(text(j, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not base64");
    }
  }

  static long number(JsonObject j, String field) {
    if (!(j.getValue(field) instanceof Number value) || value.doubleValue() != Math.rint(value.doubleValue())) {
      throw new IllegalArgumentException("\"" + field + "\" must be a whole number, was " + shown(j, field));
    }
    return value.longValue();
  }

  static String text(JsonObject j, String field) {
    if (!(j.getValue(field) instanceof String value)) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string, was " + shown(j, field));
    }
    return value;
  }

  static String optionalText(JsonObject j, String field) {
    return j.getValue(field) == null ? null : text(j, field);
  }

  static Instant time(JsonObject j, String field) {
    try {
      return Instant.parse(text(j, field));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not an ISO-8601 instant");
    }
  }

  static Instant optionalTime(JsonObject j, String field) {
    return j.getValue(field) == null ? null : time(j, field);
  }

  static BigDecimal amount(JsonObject j, String field) {
    try {
      return new BigDecimal(text(j, field));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not a decimal amount");
    }
  }

  static BigDecimal optionalAmount(JsonObject j, String field) {
    return j.getValue(field) == null ? null : amount(j, field);
  }

  static JsonObject object(JsonObject j, String field) {
    if (!(j.getValue(field) instanceof JsonObject value)) {
      throw new IllegalArgumentException("\"" + field + "\" must be an object");
    }
    return value;
  }

  static JsonObject optionalObject(JsonObject j, String field) {
    return j.getValue(field) == null ? null : object(j, field);
  }

  static JsonArray array(JsonObject j, String field) {
    if (!(j.getValue(field) instanceof JsonArray value)) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array");
    }
    return value;
  }

  /** A field's value for an error message; strings are not shown, since some hold secrets. */
  static String shown(JsonObject j, String field) {
    Object value = j.getValue(field);
    return value == null ? "missing" : value instanceof String ? "a string" : value.getClass().getSimpleName();
  }
}
