package com.bunqconnector.bus;

import com.bunqconnector.api.ApiCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a {@code bunq.api} request,
 * {@code {"tenant","user","method","path","query","body","all","limit","timeoutMs"}}, into an
 * {@link ApiCall}, or says which field is wrong.
 */
public final class ApiRequests {

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.{}-]+)+");
  private static final int MAX_PATH = 2048;
  /** bunq's largest page. */
  static final int MAX_COUNT = 200;
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
    String tenant = requiredString(request, "tenant");
    String user = requiredString(request, "user");
    String method = requiredString(request, "method").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new InvalidRequestException("method", "must be one of GET, POST, PUT, DELETE, was '" + method + "'");
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
    if (query.containsKey("older_id") && query.containsKey("newer_id")) {
      throw new InvalidRequestException("query", "older_id and newer_id go one way each: send one of them");
    }
    for (String id : new String[] {"older_id", "newer_id"}) {
      if (query.containsKey(id) && !query.get(id).matches("\\d{1,19}")) {
        throw new InvalidRequestException("query." + id, "must be a bunq object id (digits)");
      }
    }
    if (query.containsKey("count")) {
      String count = query.get("count");
      if (!count.matches("\\d{1,3}") || Integer.parseInt(count) < 1 || Integer.parseInt(count) > MAX_COUNT) {
        throw new InvalidRequestException("query.count", "must be a whole number from 1 to " + MAX_COUNT
            + " (bunq's largest page), was '" + count + "'");
      }
    }
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
        throw new InvalidRequestException("query." + entry.getKey(), "must be a string, number or boolean");
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
