package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * bunq's per-IP, per-endpoint rate limits as the emulator applies them: how many calls of each HTTP
 * method one source IP may make to one path (without query) within a sliding window, plus the
 * stricter limit of {@code POST /v1/session-server}. Defaults are bunq's documented values.
 *
 * <p>A plain mutable data object with fluent setters, a JSON constructor (unknown keys are rejected
 * with a message naming them) and {@link #toJson()}; JSON keys equal the setter names.
 */
public class RateLimitOptions {

  /** Default GET limit, bunq's: 3 calls per endpoint and IP ... */
  public static final int DEFAULT_GET_CALLS = 3;
  /** ... within any 3 consecutive seconds. */
  public static final long DEFAULT_GET_WINDOW_MS = 3_000;
  /** Default POST limit, bunq's: 5 calls per endpoint and IP ... */
  public static final int DEFAULT_POST_CALLS = 5;
  /** ... within any 3 consecutive seconds. */
  public static final long DEFAULT_POST_WINDOW_MS = 3_000;
  /** Default PUT limit, bunq's: 2 calls per endpoint and IP ... */
  public static final int DEFAULT_PUT_CALLS = 2;
  /** ... within any 3 consecutive seconds. */
  public static final long DEFAULT_PUT_WINDOW_MS = 3_000;
  /**
   * Default DELETE limit: 2 calls per endpoint and IP ... bunq documents none; the emulator assumes
   * DELETE counts like PUT, the other call that changes an existing object.
   */
  public static final int DEFAULT_DELETE_CALLS = 2;
  /** ... within any 3 consecutive seconds. */
  public static final long DEFAULT_DELETE_WINDOW_MS = 3_000;
  /** Default {@code POST /v1/session-server} limit, bunq's: 1 call per IP ... */
  public static final int DEFAULT_SESSION_SERVER_CALLS = 1;
  /** ... within any 30 consecutive seconds. */
  public static final long DEFAULT_SESSION_SERVER_WINDOW_MS = 30_000;

  private static final Set<String> KEYS = Set.of("enabled", "getCalls", "getWindowMs", "postCalls", "postWindowMs",
      "putCalls", "putWindowMs", "deleteCalls", "deleteWindowMs", "sessionServerCalls", "sessionServerWindowMs");

  private boolean enabled = true;
  private int getCalls = DEFAULT_GET_CALLS;
  private long getWindowMs = DEFAULT_GET_WINDOW_MS;
  private int postCalls = DEFAULT_POST_CALLS;
  private long postWindowMs = DEFAULT_POST_WINDOW_MS;
  private int putCalls = DEFAULT_PUT_CALLS;
  private long putWindowMs = DEFAULT_PUT_WINDOW_MS;
  private int deleteCalls = DEFAULT_DELETE_CALLS;
  private long deleteWindowMs = DEFAULT_DELETE_WINDOW_MS;
  private int sessionServerCalls = DEFAULT_SESSION_SERVER_CALLS;
  private long sessionServerWindowMs = DEFAULT_SESSION_SERVER_WINDOW_MS;

  /** bunq's limits, switched on. */
  public RateLimitOptions() {
  }

  /** A copy of {@code other}. */
  public RateLimitOptions(RateLimitOptions other) {
    this(other.toJson());
  }

  /**
   * Limits from JSON; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException for an unknown key or a value out of range (the message names it)
   */
  public RateLimitOptions(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("rateLimits." + key + " is not a known field; known: "
            + new TreeSet<>(KEYS));
      }
    }
    setEnabled(json.getBoolean("enabled", true));
    setGetCalls(json.getInteger("getCalls", DEFAULT_GET_CALLS));
    setGetWindowMs(json.getLong("getWindowMs", DEFAULT_GET_WINDOW_MS));
    setPostCalls(json.getInteger("postCalls", DEFAULT_POST_CALLS));
    setPostWindowMs(json.getLong("postWindowMs", DEFAULT_POST_WINDOW_MS));
    setPutCalls(json.getInteger("putCalls", DEFAULT_PUT_CALLS));
    setPutWindowMs(json.getLong("putWindowMs", DEFAULT_PUT_WINDOW_MS));
    setDeleteCalls(json.getInteger("deleteCalls", DEFAULT_DELETE_CALLS));
    setDeleteWindowMs(json.getLong("deleteWindowMs", DEFAULT_DELETE_WINDOW_MS));
    setSessionServerCalls(json.getInteger("sessionServerCalls", DEFAULT_SESSION_SERVER_CALLS));
    setSessionServerWindowMs(json.getLong("sessionServerWindowMs", DEFAULT_SESSION_SERVER_WINDOW_MS));
  }

  /** These limits as JSON, readable by {@link #RateLimitOptions(JsonObject)}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("getCalls", getCalls)
        .put("getWindowMs", getWindowMs)
        .put("postCalls", postCalls)
        .put("postWindowMs", postWindowMs)
        .put("putCalls", putCalls)
        .put("putWindowMs", putWindowMs)
        .put("deleteCalls", deleteCalls)
        .put("deleteWindowMs", deleteWindowMs)
        .put("sessionServerCalls", sessionServerCalls)
        .put("sessionServerWindowMs", sessionServerWindowMs);
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** Switches all limits on or off; off, no call is ever answered 429 by a limit (injected faults still are). */
  public RateLimitOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public int getGetCalls() {
    return getCalls;
  }

  /** Sets how many GET calls one IP may make to one path within {@link #getGetWindowMs()}. */
  public RateLimitOptions setGetCalls(int getCalls) {
    this.getCalls = calls("getCalls", getCalls);
    return this;
  }

  public long getGetWindowMs() {
    return getWindowMs;
  }

  /** Sets the sliding window of the GET limit, in milliseconds. */
  public RateLimitOptions setGetWindowMs(long getWindowMs) {
    this.getWindowMs = window("getWindowMs", getWindowMs);
    return this;
  }

  public int getPostCalls() {
    return postCalls;
  }

  /** Sets how many POST calls one IP may make to one path (other than session-server) within the window. */
  public RateLimitOptions setPostCalls(int postCalls) {
    this.postCalls = calls("postCalls", postCalls);
    return this;
  }

  public long getPostWindowMs() {
    return postWindowMs;
  }

  /** Sets the sliding window of the POST limit, in milliseconds. */
  public RateLimitOptions setPostWindowMs(long postWindowMs) {
    this.postWindowMs = window("postWindowMs", postWindowMs);
    return this;
  }

  public int getPutCalls() {
    return putCalls;
  }

  /** Sets how many PUT calls one IP may make to one path within {@link #getPutWindowMs()}. */
  public RateLimitOptions setPutCalls(int putCalls) {
    this.putCalls = calls("putCalls", putCalls);
    return this;
  }

  public long getPutWindowMs() {
    return putWindowMs;
  }

  /** Sets the sliding window of the PUT limit, in milliseconds. */
  public RateLimitOptions setPutWindowMs(long putWindowMs) {
    this.putWindowMs = window("putWindowMs", putWindowMs);
    return this;
  }

  public int getDeleteCalls() {
    return deleteCalls;
  }

  /** Sets how many DELETE calls one IP may make to one path within {@link #getDeleteWindowMs()}. */
  public RateLimitOptions setDeleteCalls(int deleteCalls) {
    this.deleteCalls = calls("deleteCalls", deleteCalls);
    return this;
  }

  public long getDeleteWindowMs() {
    return deleteWindowMs;
  }

  /** Sets the sliding window of the DELETE limit, in milliseconds. */
  public RateLimitOptions setDeleteWindowMs(long deleteWindowMs) {
    this.deleteWindowMs = window("deleteWindowMs", deleteWindowMs);
    return this;
  }

  public int getSessionServerCalls() {
    return sessionServerCalls;
  }

  /** Sets how many {@code POST /v1/session-server} calls one IP may make within its window. */
  public RateLimitOptions setSessionServerCalls(int sessionServerCalls) {
    this.sessionServerCalls = calls("sessionServerCalls", sessionServerCalls);
    return this;
  }

  public long getSessionServerWindowMs() {
    return sessionServerWindowMs;
  }

  /** Sets the sliding window of the session-server limit, in milliseconds. */
  public RateLimitOptions setSessionServerWindowMs(long sessionServerWindowMs) {
    this.sessionServerWindowMs = window("sessionServerWindowMs", sessionServerWindowMs);
    return this;
  }

  /** The longest window of all limits: how long a call can still count against any limit. */
  long longestWindowMs() {
    return Math.max(Math.max(Math.max(getWindowMs, postWindowMs), Math.max(putWindowMs, deleteWindowMs)),
        sessionServerWindowMs);
  }

  private static int calls(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("rateLimits." + field + " must be >= 1, was " + value);
    }
    return value;
  }

  private static long window(String field, long value) {
    if (value < 1) {
      throw new IllegalArgumentException("rateLimits." + field + " must be >= 1, was " + value);
    }
    return value;
  }
}
