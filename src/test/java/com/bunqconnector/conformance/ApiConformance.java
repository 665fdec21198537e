package com.bunqconnector.conformance;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks whole bunq bodies against bunq's OpenAPI document: a success response's envelope and
 * each of its wrapped items, or a request body as sent.
 *
 * <p><b>How bunq's document models the {@code Response} items.</b> The 200 schema of an
 * operation ({@code Operation#responseComponent}, the {@code items} of an array for listings)
 * describes one element of {@code Response}, in one of two ways:
 * <ul>
 *   <li>as the wrapper itself, whose properties are the possible type names: {@code UserListing}
 *       has {@code UserPerson}, {@code UserCompany}, ...; {@code InstallationCreate} has
 *       {@code Id}, {@code Token}, {@code ServerPublicKey}. The item {@code {"UserPerson":{...}}}
 *       is validated against {@code UserListing.properties.UserPerson}, so the schema is chosen
 *       per wrapper type and an undocumented wrapper type is a violation;</li>
 *   <li>as the object inside the wrapper ({@code PaymentRead}, {@code MonetaryAccountBankListing},
 *       {@code DeviceServerCreate}); the wrapper's name is then not in the document and follows
 *       bunq's convention (PROTOCOL.md §5.1): {@code Id} for the {@code *Create} answers of
 *       create calls ({@code Uuid} where the object has only a uuid), otherwise the component's
 *       name without {@code Read}/{@code Listing}.</li>
 * </ul>
 * A document is taken to be of the first kind when all its property names start with a capital.
 * Null members of response objects are dropped first ({@link KnownDeviations#ABSENT_IS_NULL}).
 */
public final class ApiConformance {

  private static final String SCHEMAS = "/components/schemas/";

  private final BunqOpenApi api;

  /** A checker reading {@code api}, usually {@link BunqOpenApi#shared()}. */
  public ApiConformance(BunqOpenApi api) {
    this.api = api;
  }

  /** Checks the body of a 200 response to {@code operation}; returns every violation found. */
  public List<Violation> response(Operation operation, JsonObject body) {
    String envelope = operation.listing() ? ProtocolSchemas.LISTING : ProtocolSchemas.ENVELOPE;
    List<Violation> violations = new ArrayList<>(api.validate(Direction.RESPONSE, SCHEMAS + envelope, body, "$"));
    if (operation.responseComponent() == null) {
      violations.add(new Violation("$.Response", "bunq's document has no JSON success body for " + operation.method()
          + " " + operation.template(), ""));
      return violations;
    }
    if (!(body.getValue("Response") instanceof JsonArray items)) {
      return violations;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.getValue(i) instanceof JsonObject item && item.size() == 1) {
        violations.addAll(item(operation.responseComponent(), i, item));
      }
    }
    return violations;
  }

  /**
   * Checks the body of an error answer (any 4xx): bunq's {@code GenericError}, with every error
   * carrying {@code error_description} and {@code error_description_translated}.
   */
  public List<Violation> error(JsonObject body) {
    return api.validate(Direction.RESPONSE, SCHEMAS + ProtocolSchemas.ERROR, body, "$");
  }

  /**
   * Checks a request body sent to {@code operation}: it must be JSON and valid against the
   * operation's request schema, or empty when the operation takes none.
   */
  public List<Violation> request(Operation operation, Buffer body) {
    boolean empty = body == null || body.length() == 0;
    if (operation.requestComponent() == null) {
      return empty ? List.of() : List.of(new Violation("$", "bunq's document gives " + operation.method() + " "
          + operation.template() + " no request body, but one was sent", ""));
    }
    if (empty) {
      return List.of(new Violation("$", "missing; " + operation.requestComponent() + " is required", ""));
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      return List.of(new Violation("$", "is not JSON: " + e.getMessage(), ""));
    }
    return api.validate(Direction.REQUEST, SCHEMAS + operation.requestComponent(), json, "$");
  }

  private List<Violation> item(String component, int index, JsonObject item) {
    String type = item.fieldNames().iterator().next();
    String where = "$.Response[" + index + "]." + type;
    Object inner = withoutNulls(item.getValue(type));
    JsonObject properties = api.schema(Direction.RESPONSE, component).getJsonObject("properties", new JsonObject());
    if (isWrapperModel(properties)) {
      if (!properties.containsKey(type)) {
        return List.of(new Violation(where, "wrapper type " + type + " is not one of " + properties.fieldNames(),
            "components/schemas/" + component));
      }
      return api.validate(Direction.RESPONSE, SCHEMAS + component + "/properties/"
          + type.replace("~", "~0").replace("/", "~1"), inner, where);
    }
    String expected = wrapperName(component, properties);
    if (!expected.equals(type)) {
      return List.of(new Violation(where, "wrapper type " + type + ", expected " + expected,
          "components/schemas/" + component));
    }
    return api.validate(Direction.RESPONSE, SCHEMAS + component, inner, where);
  }

  private static boolean isWrapperModel(JsonObject properties) {
    return !properties.isEmpty()
        && properties.fieldNames().stream().allMatch(name -> Character.isUpperCase(name.charAt(0)));
  }

  /** The wrapper bunq puts around an object described by {@code component} (PROTOCOL.md §5.1). */
  static String wrapperName(String component, JsonObject properties) {
    if (component.endsWith("Create")) {
      return properties.containsKey("uuid") && !properties.containsKey("id") ? "Uuid" : "Id";
    }
    for (String suffix : List.of("Read", "Listing")) {
      if (component.endsWith(suffix)) {
        return component.substring(0, component.length() - suffix.length());
      }
    }
    return component;
  }

  /** A copy without null members of objects, at any depth (array elements are kept). */
  static Object withoutNulls(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> member : object) {
        if (member.getValue() != null) {
          copy.put(member.getKey(), withoutNulls(member.getValue()));
        }
      }
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(element -> copy.add(withoutNulls(element)));
      return copy;
    }
    return value;
  }
}
