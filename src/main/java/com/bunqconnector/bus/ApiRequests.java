package com.bunqconnector.bus;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.Cursors;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a {@code bunq.api} request,
 * {@code {"tenant","user","method","path","query","body","all","limit","timeoutMs"}}, into an
 * {@link ApiCall}, or says which field is wrong.
 */
public final class ApiRequests {

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
  /** The fields a request may have; any other is refused, so that a misspelt one is not silently dropped. */
  static final Set<String> FIELDS = Set.of("tenant", "user", "method", "path", "query", "body", "all", "limit",
      "timeoutMs");
  /** Tenant and user ids: the rule of the tenant configuration ({@code config.TenantConfig.isId}). */
  /** Text from a request that may be quoted in an error message (and so in a log line) as it is. */
  private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9_.{}/-]{1,64}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.{}-]+)+");
  private static final int MAX_PATH = 2048;
  /** Items collected over all pages when the request sets no limit. */
  public static final int DEFAULT_PAGE_LIMIT = 1_000;
  /** Most items one request may collect over all pages. */
  public static final int MAX_PAGE_LIMIT = 100_000;
  /** Longest caller's timeout a request may name: a day. */
  public static final long MAX_TIMEOUT_MS = 86_400_000;

  private ApiRequests() {
  }

  /** Parses the request. @throws InvalidRequestException naming the first bad field */
  public static ApiCall parse(Object message) {
    if (!(message instanceof JsonObject request)) {
      throw new InvalidRequestException("message", "must be a JSON object, was "
          + (message == null ? "empty" : message.getClass().getSimpleName()));
    }
    for (String field : request.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidRequestException(name(field), "is not a field of a bunq.api request (they are "
            + String.join(", ", new TreeSet<>(FIELDS)) + ")");
      }
    }
    String tenant = id(request, "tenant");
    String user = id(request, "user");
    String method = requiredString(request, "method").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new InvalidRequestException("method", "must be one of GET, POST, PUT, DELETE, was " + shown(method));
    }
    Map<String, String> query = query(request);
    checkPaging(request, method, query);
    return new ApiCall(tenant, user, HttpMethod.valueOf(method), path(request), query, body(request, method),
        deadline(request));
  }

  /**
   * The caller's deadline from {@code "timeoutMs"} (how long the caller waits for the reply,
   * counted from now), or 0 when the request names none.
   */
  private static long deadline(JsonObject request) {
    Object timeout = request.getValue("timeoutMs");
    if (timeout == null) {
      return 0;
    }
    if (!(timeout instanceof Integer || timeout instanceof Long) || ((Number) timeout).longValue() < 1
        || ((Number) timeout).longValue() > MAX_TIMEOUT_MS) {
      throw new InvalidRequestException("timeoutMs", "must be a whole number of milliseconds from 1 to "
          + MAX_TIMEOUT_MS);
    }
    return System.currentTimeMillis() + ((Number) timeout).longValue();
  }

  /**
   * How many items to collect over all pages when the request asks for them ({@code "all": true},
   * with an optional {@code "limit"}), or 0 for a single call. Call after {@link #parse}.
   */
  public static int pageLimit(JsonObject request) {
    return Boolean.TRUE.equals(request.getValue("all")) ? request.getInteger("limit", DEFAULT_PAGE_LIMIT) : 0;
  }

  private static void checkPaging(JsonObject request, String method, Map<String, String> query) {
    Object all = request.getValue("all");
    if (all != null && !(all instanceof Boolean)) {
      throw new InvalidRequestException("all", "must be true or false");
    }
    Object limit = request.getValue("limit");
    if (limit != null) {
      if (!Boolean.TRUE.equals(all)) {
        throw new InvalidRequestException("limit", "goes with \"all\": true (it caps the items collected)");
      }
      if (!(limit instanceof Integer || limit instanceof Long) || ((Number) limit).longValue() < 1
          || ((Number) limit).longValue() > MAX_PAGE_LIMIT) {
        throw new InvalidRequestException("limit", "must be a whole number from 1 to " + MAX_PAGE_LIMIT);
      }
    }
    if (Boolean.TRUE.equals(all) && !method.equals("GET")) {
      throw new InvalidRequestException("all", "only GET lists have pages, not " + method);
    }
    Cursors.Problem problem = Cursors.problem(query);
    if (problem != null) {
      String parameter = problem.parameter();
      throw new InvalidRequestException(parameter.equals("query") ? "query" : "query." + parameter, problem.reason()
          + (parameter.equals("count") ? ", was " + shown(query.get("count")) : ""));
    }
  }

  private static String id(JsonObject request, String field) {
    String id = requiredString(request, field);
    if (!TenantConfig.isId(id)) {
      throw new InvalidRequestException(field, "must be an id of the configuration, which "
          + TenantConfig.ID_RULE + "; was " + shown(id));
    }
    return id;
  }

  /** Text from a request as it may appear in a message: quoted when short and plain, else only its length. */
  static String shown(String text) {
    return SHOWABLE.matcher(text).matches() ? "'" + text + "'"
        : "a text of " + text.length() + " characters (not shown: long, or not plain letters and digits)";
  }

  /** A field name from a request as it may appear in a message. */
  private static String name(String field) {
    return SHOWABLE.matcher(field).matches() ? field : "(a name of " + field.length() + " characters, not shown)";
  }

  private static String requiredString(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidRequestException(field, value == null ? "is missing" : "must be a non-empty string");
    }
    return text;
  }

  private static String path(JsonObject request) {
    String path = requiredString(request, "path");
    if (path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    if (path.length() > MAX_PATH || !PATH.matcher(path).matches() || path.contains("..")) {
      throw new InvalidRequestException("path", "must be a bunq path such as /user/{userId}/monetary-account"
          + " (letters, digits, '-', '_', '.', '{userId}'; query parameters go in 'query')");
    }
    String withoutPlaceholder = path.replace(ApiCall.USER_ID, "");
    if (withoutPlaceholder.contains("{") || withoutPlaceholder.contains("}")) {
      throw new InvalidRequestException("path", "the only placeholder is " + ApiCall.USER_ID);
    }
    return path;
  }

  private static Map<String, String> query(JsonObject request) {
    Object value = request.getValue("query");
    Map<String, String> query = new TreeMap<>();
    if (value == null) {
      return query;
    }
    if (!(value instanceof JsonObject object)) {
      throw new InvalidRequestException("query", "must be an object of parameter names to values");
    }
    for (Map.Entry<String, Object> entry : object) {
      Object parameter = entry.getValue();
      if (!(parameter instanceof String || parameter instanceof Number || parameter instanceof Boolean)) {
        throw new InvalidRequestException("query." + name(entry.getKey()), "must be a string, number or boolean");
      }
      query.put(entry.getKey(), parameter.toString());
    }
    return query;
  }

  private static Buffer body(JsonObject request, String method) {
    Object value = request.getValue("body");
    if (value == null) {
      return null;
    }
    if (method.equals("GET") || method.equals("DELETE")) {
      throw new InvalidRequestException("body", method + " requests carry no body");
    }
    if (value instanceof JsonObject object) {
      return object.toBuffer();
    }
    if (value instanceof JsonArray array) {
      return array.toBuffer();
    }
    throw new InvalidRequestException("body", "must be a JSON object or list");
  }
}
