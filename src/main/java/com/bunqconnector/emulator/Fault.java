package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One injectable fault of the emulator's bunq API: what goes wrong, on which calls, and how often.
 * Immutable; build one with a factory ({@link #latency}, {@link #serverError}, {@link #dropBeforeProcessing},
 * {@link #dropAfterProcessing}, {@link #tooManyRequests}), narrow it with {@link #on} and {@link #times},
 * then install it with {@link Faults#add}.
 *
 * <p>A fault matches a call when the method (if given) equals the call's method and the path regex
 * (if given) matches the whole path, query excluded, e.g. {@code /v1/user/\d+/monetary-account/\d+/payment}.
 * It applies to the next {@code times} matching calls, or to every matching call until removed when
 * {@code times} is not set. Faults only ever touch {@code /v1} calls.
 *
 * <p>JSON form (the admin endpoint's): {@code {"type": "latency", "latencyMs": 300, "method": "POST",
 * "path": "/v1/.+/payment", "times": 2}}; types are {@code latency}, {@code server-error} (with
 * {@code status} 500-599), {@code drop-before}, {@code drop-after} and {@code too-many-requests}.
 */
public final class Fault {

  /** What the fault does to a matching call. */
  public enum Type {
    /** Waits {@code latencyMs} before the call is processed; several matching delays add up. */
    LATENCY("latency"),
    /** Answers a 5xx with an HTML body, as a gateway in front of bunq would; nothing is processed. */
    SERVER_ERROR("server-error"),
    /** Closes the connection without an answer before anything is processed. */
    DROP_BEFORE("drop-before"),
    /** Processes the call (a payment is booked), then closes the connection instead of answering. */
    DROP_AFTER("drop-after"),
    /** Answers bunq's unsigned 429 for the call's method, whatever the real limits say. */
    TOO_MANY_REQUESTS("too-many-requests");

    private final String json;

    Type(String json) {
      this.json = json;
    }

    /** The name used in JSON. */
    public String json() {
      return json;
    }

    static Type parse(String value) {
      for (Type type : values()) {
        if (type.json.equals(value)) {
          return type;
        }
      }
      throw new IllegalArgumentException("type must be one of latency, server-error, drop-before, drop-after,"
          + " too-many-requests, was " + value);
    }
  }

  private static final Set<String> KEYS = Set.of("type", "method", "path", "times", "latencyMs", "status");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  private final Type type;
  private final String method;
  private final Pattern path;
  private final Integer times;
  private final long latencyMs;
  private final int status;

  private Fault(Type type, String method, Pattern path, Integer times, long latencyMs, int status) {
    this.type = type;
    this.method = method;
    this.path = path;
    this.times = times;
    this.latencyMs = latencyMs;
    this.status = status;
  }

  /** Delays matching calls by {@code latency} (at least 1 ms) before they are processed. */
  public static Fault latency(Duration latency) {
    long ms = latency.toMillis();
    if (ms < 1) {
      throw new IllegalArgumentException("latencyMs must be >= 1, was " + ms);
    }
    return new Fault(Type.LATENCY, null, null, null, ms, 0);
  }

  /** Answers matching calls with {@code status} (500-599) and an HTML body instead of processing them. */
  public static Fault serverError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("status must be 500..599, was " + status);
    }
    return new Fault(Type.SERVER_ERROR, null, null, null, 0, status);
  }

  /** Closes the connection of matching calls before they are processed. */
  public static Fault dropBeforeProcessing() {
    return new Fault(Type.DROP_BEFORE, null, null, null, 0, 0);
  }

  /** Processes matching calls, then closes their connection without an answer. */
  public static Fault dropAfterProcessing() {
    return new Fault(Type.DROP_AFTER, null, null, null, 0, 0);
  }

  /** Answers matching calls with bunq's 429 instead of processing them. */
  public static Fault tooManyRequests() {
    return new Fault(Type.TOO_MANY_REQUESTS, null, null, null, 0, 0);
  }

  /**
   * This fault limited to calls with {@code method} (any when null) whose whole path matches
   * {@code pathRegex} (any when null).
   *
   * @throws IllegalArgumentException for an unknown method or an invalid regex
   */
  public Fault on(String method, String pathRegex) {
    String upper = method == null ? null : method.toUpperCase(Locale.ROOT);
    if (upper != null && !METHODS.contains(upper)) {
      throw new IllegalArgumentException("method must be one of " + new TreeSet<>(METHODS) + ", was " + method);
    }
    Pattern compiled;
    try {
      compiled = pathRegex == null ? null : Pattern.compile(pathRegex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("path is not a valid regular expression: " + e.getDescription());
    }
    return new Fault(type, upper, compiled, times, latencyMs, status);
  }

  /** This fault for the next {@code count} (at least 1) matching calls only. */
  public Fault times(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("times must be >= 1, was " + count);
    }
    return new Fault(type, method, path, count, latencyMs, status);
  }

  /**
   * A fault from its JSON form.
   *
   * @throws IllegalArgumentException naming the field that is unknown, missing or wrong
   */
  public static Fault fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(key + " is not a known field; known: " + new TreeSet<>(KEYS));
      }
    }
    Type type = Type.parse(text(json, "type"));
    Fault fault = switch (type) {
      case LATENCY -> latency(Duration.ofMillis(wholeNumber(json, "latencyMs")));
      case SERVER_ERROR -> serverError(json.getValue("status") == null ? 503 : wholeNumber(json, "status"));
      case DROP_BEFORE -> dropBeforeProcessing();
      case DROP_AFTER -> dropAfterProcessing();
      case TOO_MANY_REQUESTS -> tooManyRequests();
    };
    fault = fault.on(optionalText(json, "method"), optionalText(json, "path"));
    return json.getValue("times") == null ? fault : fault.times(wholeNumber(json, "times"));
  }

  /** The JSON form; absent parts (no method, no path, no count) are left out. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type.json());
    if (type == Type.LATENCY) {
      json.put("latencyMs", latencyMs);
    }
    if (type == Type.SERVER_ERROR) {
      json.put("status", status);
    }
    if (method != null) {
      json.put("method", method);
    }
    if (path != null) {
      json.put("path", path.pattern());
    }
    if (times != null) {
      json.put("times", times);
    }
    return json;
  }

  public Type type() {
    return type;
  }

  /** The method this fault is limited to, upper case; null for any. */
  public String method() {
    return method;
  }

  /** The path regex this fault is limited to; null for any. */
  public String path() {
    return path == null ? null : path.pattern();
  }

  /** How many matching calls this fault applies to; null for all until removed. */
  public Integer times() {
    return times;
  }

  public long latencyMs() {
    return latencyMs;
  }

  /** The 5xx status of a {@link Type#SERVER_ERROR} fault; 0 for other types. */
  public int status() {
    return status;
  }

  boolean matches(String callMethod, String callPath) {
    return (method == null || method.equals(callMethod)) && (path == null || path.matcher(callPath).matches());
  }

  @Override
  public String toString() {
    return toJson().encode();
  }

  private static String text(JsonObject json, String field) {
    String value = optionalText(json, field);
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  private static String optionalText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return (String) value;
  }

  private static int wholeNumber(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    boolean whole = value instanceof Integer || value instanceof Long;
    if (!whole || ((Number) value).longValue() != ((Number) value).intValue()) {
      throw new IllegalArgumentException(field + " must be a whole number up to " + Integer.MAX_VALUE + ", was "
          + value);
    }
    return ((Number) value).intValue();
  }
}
