package com.bunqconnector.emulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads request bodies strictly and names the offending field in a 400 when something is wrong. */
final class Bodies {

  private Bodies() {
  }

  /** The body as a JSON object; an empty body counts as {@code {}} only when {@code emptyAllowed}. */
  static JsonObject object(RoutingContext ctx, boolean emptyAllowed) {
    String text = Guard.rawBody(ctx).toString();
    if (text.isBlank()) {
      if (emptyAllowed) {
        return new JsonObject();
      }
      throw ApiError.badRequest("The request body is empty; a JSON object is required.");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw ApiError.badRequest("The request body is not valid JSON.");
    }
    if (parsed instanceof JsonObject object) {
      return object;
    }
    throw ApiError.badRequest("The request body must be a JSON object.");
  }

  /** A required non-blank string field. */
  static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw ApiError.badRequest("Field \"" + field + "\" is required.");
    }
    if (!(value instanceof String text)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be a string.");
    }
    if (text.isBlank()) {
      throw ApiError.badRequest("Field \"" + field + "\" must not be empty.");
    }
    return text;
  }

  /** A required object field. */
  static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw ApiError.badRequest("Field \"" + field + "\" is required.");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be an object.");
    }
    return object;
  }

  /** An optional array field; {@code null} when absent or null. */
  static JsonArray optionalArray(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be an array.");
    }
    return array;
  }
}
