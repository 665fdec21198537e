package com.bunqconnector.conformance;

import io.vertx.core.json.JsonObject;

/**
 * One operation of bunq's document, read with the known deviations applied.
 *
 * @param method upper-case HTTP method
 * @param template the path template, e.g. {@code /user/{userID}/monetary-account/{itemId}}
 * @param responseComponent the component schema of the 200 response's items (e.g.
 *     {@code PaymentRead}), or null when the operation documents no JSON success body
 * @param listing whether the 200 response is documented as an array, i.e. a paginated listing
 * @param requestComponent the component schema of the request body, or null when there is none
 */
public record Operation(String method, String template, String responseComponent, boolean listing,
    String requestComponent) {

  static Operation of(String method, String template, JsonObject responseView, JsonObject requestView) {
    JsonObject schema = jsonSchema(responseView.getJsonObject("responses", new JsonObject()).getJsonObject("200"));
    boolean listing = schema != null && "array".equals(schema.getString("type"));
    JsonObject item = listing ? schema.getJsonObject("items") : schema;
    return new Operation(method, template, item == null ? null : component(item, method, template), listing,
        requestComponent(requestView, method, template));
  }

  /** Whether a concrete path below {@code /v1} fits this operation's template. */
  boolean matches(String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean variable = expected[i].startsWith("{") && expected[i].endsWith("}");
      if (variable ? actual[i].isEmpty() : !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }

  int literalSegments() {
    int literal = 0;
    for (String segment : template.split("/")) {
      if (!segment.startsWith("{")) {
        literal++;
      }
    }
    return literal;
  }

  private static String requestComponent(JsonObject operation, String method, String template) {
    JsonObject schema = jsonSchema(operation.getJsonObject("requestBody"));
    return schema == null ? null : component(schema, method, template);
  }

  /** {@code content["application/json"].schema} of a response or request body, or null. */
  private static JsonObject jsonSchema(JsonObject holder) {
    if (holder == null || holder.getJsonObject("content") == null) {
      return null;
    }
    JsonObject json = holder.getJsonObject("content").getJsonObject("application/json");
    return json == null ? null : json.getJsonObject("schema");
  }

  private static String component(JsonObject schema, String method, String template) {
    String component = Patches.component(schema);
    if (component == null) {
      // bunq's document refers to a component everywhere; an inline schema would need a pointer into paths.
      throw new IllegalStateException(method + " " + template + " has an inline schema: " + schema.encode());
    }
    return component;
  }
}
