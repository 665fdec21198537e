package com.bunqconnector.conformance;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * bunq's OpenAPI 3.0 document ({@code src/test/resources/bunq-openapi/swagger.json}, origin in
 * {@code ORIGIN.txt}), parsed once per JVM and loaded into a vertx-json-schema
 * {@link SchemaRepository} twice: once read strictly for requests and once for responses (see
 * {@link StrictProfile}), with the {@link KnownDeviations} and the {@link ProtocolSchemas} applied.
 *
 * <p><b>Why vertx-json-schema.</b> It is the JSON-schema validator of the Vert.x project itself,
 * released with Vert.x 5.0.7 and managed by the BOM the build already imports; it validates
 * Vert.x {@code JsonObject}s directly and reports every error with the instance's JSON pointer.
 * OpenAPI 3.0's Schema Object is a dialect of JSON Schema draft 4, and draft 4's rules are the
 * ones OpenAPI 3.0 needs for bunq's document: keywords beside a {@code $ref} are ignored (bunq
 * writes {@code {"type":"object","$ref":...}} throughout), and the document uses only
 * {@code type}, {@code properties}, {@code items}, {@code required}, {@code readOnly} and
 * {@code writeOnly}. The last two, the only OpenAPI-only keywords in it, are applied by
 * {@link StrictProfile}; {@code BunqOpenApiTest} fails if bunq starts using {@code nullable} or
 * {@code discriminator}, which draft 4 would silently ignore. Loading takes about half a second;
 * a validation takes milliseconds.
 *
 * <p>The alternatives were tried on this document: {@code vertx-openapi}'s
 * {@code OpenAPIContract} refuses it ("contains a feature that is not supported: Server
 * Variables": bunq's servers use {@code {basePath}}), and even with that patched takes 3.7 s to
 * check the contract, while its request and response validators expect bare bodies where bunq
 * wraps every response in {@code Response}. {@code com.networknt:json-schema-validator} has an
 * OpenAPI 3.0 dialect and reads the document well, but works on Jackson trees (2.0.x is built
 * on jackson-databind 2.22, the Vert.x BOM pins 2.18.2; 3.x moved to Jackson 3) and brings
 * nothing this document needs that draft 4 lacks.
 *
 * <p>Read-only once loaded; validators are created on first use of a schema and cached.
 */
public final class BunqOpenApi {

  /** Where the document is on the test classpath. */
  public static final String RESOURCE = "/bunq-openapi/swagger.json";

  private static final String BASE = "https://bunq-openapi.test/";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static BunqOpenApi shared;

  private final JsonObject original;
  private final Map<Direction, JsonObject> documents = new EnumMap<>(Direction.class);
  private final SchemaRepository repository;
  private final JsonSchemaOptions options = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT4)
      .setBaseUri(BASE)
      .setOutputFormat(OutputFormat.Basic);
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();
  private final List<Operation> operations = new ArrayList<>();

  private BunqOpenApi(JsonObject original) {
    this.original = original;
    repository = SchemaRepository.create(options);
    for (Direction direction : Direction.values()) {
      JsonObject document = original.copy();
      ProtocolSchemas.addTo(document);
      KnownDeviations.apply(document, direction);
      StrictProfile.apply(document, direction);
      documents.put(direction, document);
      // The repository annotates the objects it is given (__absolute_uri__ and the like): give it a copy.
      repository.dereference(uri(direction, ""), JsonSchema.of(document.copy()));
    }
    JsonObject paths = documents.get(Direction.RESPONSE).getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      for (String method : paths.getJsonObject(template).fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        operations.add(Operation.of(method.toUpperCase(Locale.ROOT), template,
            Patches.operation(documents.get(Direction.RESPONSE), method, template),
            Patches.operation(documents.get(Direction.REQUEST), method, template)));
      }
    }
  }

  /** The document, loaded on first use and shared by every test of the JVM. */
  public static synchronized BunqOpenApi shared() {
    if (shared == null) {
      shared = new BunqOpenApi(read());
    }
    return shared;
  }

  /** bunq's document exactly as published. Callers must not modify it. */
  public JsonObject original() {
    return original;
  }

  /**
   * A component schema as the check reads it for {@code direction} (strict, deviations applied).
   * Callers must not modify it.
   */
  public JsonObject schema(Direction direction, String component) {
    JsonObject schema = Patches.schemas(documents.get(direction)).getJsonObject(component);
    if (schema == null) {
      throw new IllegalArgumentException("bunq's OpenAPI document has no component " + component);
    }
    return schema;
  }

  /**
   * The operation of a swagger path template such as {@code /user/{userID}/monetary-account}.
   *
   * @throws IllegalArgumentException if bunq's document has no such operation
   */
  public Operation operation(String method, String template) {
    return operations.stream()
        .filter(op -> op.method().equalsIgnoreCase(method) && op.template().equals(template))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("bunq's OpenAPI document has no " + method + " " + template));
  }

  /**
   * The operation a concrete request path hits, e.g. {@code /v1/user/7/monetary-account/9/payment}
   * ({@code /v1}, the servers' {@code basePath}, is optional). Where two templates match, the one
   * with more literal segments wins.
   */
  public Optional<Operation> find(String method, String path) {
    String relative = path.startsWith("/v1/") ? path.substring(3) : path;
    return operations.stream()
        .filter(op -> op.method().equalsIgnoreCase(method) && op.matches(relative))
        .max((a, b) -> Integer.compare(a.literalSegments(), b.literalSegments()));
  }

  /**
   * Validates {@code instance} against the schema at {@code pointer} (e.g.
   * {@code /components/schemas/PaymentRead}) of the document read for {@code direction}.
   *
   * @param where the JSON path of {@code instance} itself, prefixed to every violation's path
   * @return the violations, most specific only, without duplicates
   */
  public List<Violation> validate(Direction direction, String pointer, Object instance, String where) {
    String uri = uri(direction, pointer);
    Validator validator = validators.computeIfAbsent(uri,
        key -> repository.validator(JsonSchema.of(new JsonObject().put("$ref", key)), options));
    OutputUnit result = validator.validate(instance);
    if (Boolean.TRUE.equals(result.getValid()) || result.getErrors() == null) {
      return List.of();
    }
    List<OutputUnit> errors = result.getErrors();
    Set<Violation> violations = new LinkedHashSet<>();
    for (OutputUnit error : errors) {
      if (!explainedElsewhere(error, errors)) {
        violations.add(new Violation(Violation.path(where, error.getInstanceLocation()), error.getError(),
            schemaLocation(error)));
      }
    }
    return List.copyOf(violations);
  }

  /**
   * Whether a deeper error explains this one ("A subschema had errors" above "Instance type ..."),
   * or it is the library's echo of another: vertx-json-schema 5.0.7 also reports a declared
   * property that fails its own schema under {@code additionalProperties: false}.
   */
  private static boolean explainedElsewhere(OutputUnit error, List<OutputUnit> errors) {
    String keyword = error.getKeywordLocation();
    boolean additional = keyword.endsWith("/additionalProperties");
    for (OutputUnit other : errors) {
      if (other == error) {
        continue;
      }
      if (other.getKeywordLocation().startsWith(keyword + "/")) {
        return true;
      }
      if (additional && other.getInstanceLocation().equals(error.getInstanceLocation())
          && !other.getKeywordLocation().endsWith("/additionalProperties")) {
        return true;
      }
    }
    return false;
  }

  private static String schemaLocation(OutputUnit error) {
    String absolute = error.getAbsoluteKeywordLocation();
    String location = absolute != null ? absolute : error.getKeywordLocation();
    int fragment = location.indexOf('#');
    return fragment < 0 ? location : location.substring(fragment + 1).replaceFirst("^/", "");
  }

  private static String uri(Direction direction, String pointer) {
    return BASE + direction.name().toLowerCase(Locale.ROOT) + ".json" + (pointer.isEmpty() ? "" : "#" + pointer);
  }

  private static JsonObject read() {
    try (InputStream in = BunqOpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
