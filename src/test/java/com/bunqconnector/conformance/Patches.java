package com.bunqconnector.conformance;

import io.vertx.core.json.JsonObject;

/**
 * Small, strict accessors into an OpenAPI document for the known deviations: each fails with a
 * message naming the missing place instead of quietly creating it, so a deviation whose target
 * bunq has changed is noticed.
 */
final class Patches {

  private static final String SCHEMAS = "#/components/schemas/";

  private Patches() {
  }

  /** {@code {"$ref": "#/components/schemas/<component>"}}. */
  static JsonObject ref(String component) {
    return new JsonObject().put("$ref", SCHEMAS + component);
  }

  /** The component name a local {@code $ref} points at, or null if {@code schema} is not such a ref. */
  static String component(JsonObject schema) {
    String ref = schema.getString("$ref");
    return ref != null && ref.startsWith(SCHEMAS) ? ref.substring(SCHEMAS.length()) : null;
  }

  static JsonObject schemas(JsonObject document) {
    return document.getJsonObject("components").getJsonObject("schemas");
  }

  /** The {@code properties} of a component schema. */
  static JsonObject properties(JsonObject document, String component) {
    JsonObject schema = schemas(document).getJsonObject(component);
    if (schema == null || schema.getJsonObject("properties") == null) {
      throw new IllegalStateException("components/schemas/" + component + " has no properties");
    }
    return schema.getJsonObject("properties");
  }

  /** The operation object {@code paths[template][method]}, method in lower case. */
  static JsonObject operation(JsonObject document, String method, String template) {
    JsonObject path = document.getJsonObject("paths").getJsonObject(template);
    JsonObject operation = path == null ? null : path.getJsonObject(method);
    if (operation == null) {
      throw new IllegalStateException("paths[" + template + "] has no " + method + " operation");
    }
    return operation;
  }

  /** Replaces the schema of the operation's 200 response. */
  static void okResponse(JsonObject document, String method, String template, JsonObject schema) {
    JsonObject content = operation(document, method, template).getJsonObject("responses").getJsonObject("200")
        .getJsonObject("content").getJsonObject("application/json");
    if (content == null || content.getJsonObject("schema") == null) {
      throw new IllegalStateException(method + " " + template + " has no 200 application/json schema");
    }
    content.put("schema", schema);
  }

  /** Adds a component that must not exist yet. */
  static void addComponent(JsonObject document, String name, String schema) {
    if (schemas(document).containsKey(name)) {
      throw new IllegalStateException("components/schemas/" + name + " exists already");
    }
    schemas(document).put(name, new JsonObject(schema));
  }

  /** Adds a component unless the very same one is there already (deviations may share one). */
  static void addComponentOnce(JsonObject document, String name, String schema) {
    JsonObject existing = schemas(document).getJsonObject(name);
    if (existing == null) {
      addComponent(document, name, schema);
    } else if (!existing.equals(new JsonObject(schema))) {
      throw new IllegalStateException("components/schemas/" + name + " exists with other content");
    }
  }
}
