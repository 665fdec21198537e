package com.bunqconnector.conformance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Schemas for what bunq's OpenAPI document states only in prose ({@code info.description}, "API
 * conventions"): the {@code Response} envelope around every success body, the
 * {@code Pagination} object beside it on listings, and what every 4xx body holds. They are added
 * to the document under names starting with {@code Protocol}, so the same validator checks them,
 * and cite PROTOCOL.md (the project's protocol digest, {@code shared/bunq/PROTOCOL.md}).
 */
final class ProtocolSchemas {

  /** {@code {"Response":[{"<Type>":{...}}, ...]}}: one key per item (PROTOCOL.md §5.1). */
  static final String ENVELOPE = "ProtocolEnvelope";
  /** A listing's envelope: the items and a {@code Pagination} sibling (PROTOCOL.md §5.1, §5.4). */
  static final String LISTING = "ProtocolListing";

  /**
   * An error body: bunq's {@code GenericError} (which its document gives every operation for
   * 400), with at least one error carrying both texts, as bunq sends for every 4xx
   * (PROTOCOL.md §5.2).
   */
  static final String ERROR = "ProtocolError";

  private static final String PAGINATION = "ProtocolPagination";

  private ProtocolSchemas() {
  }

  /** Adds the envelope schemas to {@code document}'s components. */
  static void addTo(JsonObject document) {
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    schemas.put(ENVELOPE, envelope().put("required", new JsonArray().add("Response")));
    schemas.put(LISTING, envelope().put("required", new JsonArray().add("Response")
        .add("Pagination")));
    schemas.put(ERROR, error());
    // PROTOCOL.md §5.4: all three keys present, null where not applicable, URLs server-relative under /v1/.
    schemas.put(PAGINATION, new JsonObject("""
        {"type": "object", "required": ["future_url", "newer_url", "older_url"],
         "properties": {
           "future_url": {"type": ["string", "null"], "pattern": "^/v1/"},
           "newer_url": {"type": ["string", "null"], "pattern": "^/v1/"},
           "older_url": {"type": ["string", "null"], "pattern": "^/v1/"}}}"""));
  }

  private static JsonObject error() {
    return new JsonObject("""
        {"allOf": [
          {"$ref": "#/components/responses/GenericError/content/application~1json/schema"},
          {"type": "object", "required": ["Error"],
           "properties": {"Error": {"type": "array", "minItems": 1,
             "items": {"required": ["error_description", "error_description_translated"]}}}}]}""");
  }

  private static JsonObject envelope() {
    return new JsonObject("""
        {"type": "object",
         "properties": {
           "Response": {"type": "array", "items": {"type": "object", "minProperties": 1, "maxProperties": 1}},
           "Pagination": {"$ref": "#/components/schemas/ProtocolPagination"}}}""");
  }
}
