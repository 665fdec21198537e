package com.bunqconnector.conformance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Turns bunq's schemas into a strict reading for one {@link Direction}, so that validation means
 * something: bunq's component schemas declare only {@code type}, {@code properties}, {@code items}
 * and a few {@code required} lists, and never {@code additionalProperties}, so a misspelt or
 * invented field would pass a plain validation unnoticed.
 *
 * <ul>
 *   <li>Every schema with {@code properties} gets {@code additionalProperties: false}: a field
 *       bunq does not describe is reported.</li>
 *   <li>Properties that may not travel this way are removed, so sending one is reported as an
 *       unknown field: {@code readOnly} ones from requests, {@code writeOnly} ones from responses
 *       (OpenAPI 3.0, Schema Object, "readOnly"/"writeOnly").</li>
 * </ul>
 *
 * <p>Only schema documents are rewritten; the validation itself is the library's.
 */
final class StrictProfile {

  private StrictProfile() {
  }

  /**
   * Rewrites in place every schema under {@code components/schemas} of {@code document}, and the
   * inline body schemas of {@code components/responses} (bunq's {@code GenericError}).
   */
  static void apply(JsonObject document, Direction direction) {
    JsonObject components = document.getJsonObject("components");
    for (Map.Entry<String, Object> entry : components.getJsonObject("schemas")) {
      if (entry.getValue() instanceof JsonObject schema) {
        tighten(schema, direction);
      }
    }
    for (Map.Entry<String, Object> entry : components.getJsonObject("responses", new JsonObject())) {
      if (entry.getValue() instanceof JsonObject response
          && response.getValue("content") instanceof JsonObject content) {
        for (Map.Entry<String, Object> media : content) {
          if (media.getValue() instanceof JsonObject type && type.getValue("schema") instanceof JsonObject schema) {
            tighten(schema, direction);
          }
        }
      }
    }
  }

  /** Whether a property schema (a decoded map or a JsonObject) has {@code flag: true}. */
  private static boolean flagged(Object property, String flag) {
    Object value = property instanceof JsonObject json ? json.getValue(flag)
        : property instanceof Map<?, ?> map ? map.get(flag) : null;
    return Boolean.TRUE.equals(value);
  }

  private static void tighten(JsonObject schema, Direction direction) {
    String excluded = direction == Direction.REQUEST ? "readOnly" : "writeOnly";
    if (schema.getValue("properties") instanceof JsonObject properties) {
      properties.getMap().values().removeIf(property -> flagged(property, excluded));
      for (Map.Entry<String, Object> property : properties) {
        if (property.getValue() instanceof JsonObject child) {
          tighten(child, direction);
        }
      }
      if (!schema.containsKey("additionalProperties")) {
        schema.put("additionalProperties", false);
      }
    }
    if (schema.getValue("items") instanceof JsonObject items) {
      tighten(items, direction);
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      if (schema.getValue(combinator) instanceof JsonArray parts) {
        for (Object part : parts) {
          if (part instanceof JsonObject child) {
            tighten(child, direction);
          }
        }
      }
    }
  }
}
