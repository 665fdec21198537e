package com.bunqconnector.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the node's calls to bunq travel: the HTTP client ({@code client} in connector.json), the
 * retries ({@code retry}) and the rate limits kept before bunq sees a call ({@code rateLimits}).
 *
 * @param connectTimeoutMs longest wait for a connection to bunq
 * @param poolSize         most connections to one bunq host (HTTP/1.1) or streams' connections (HTTP/2)
 * @param http2            HTTP/2 (ALPN over TLS, or cleartext with prior knowledge) instead of HTTP/1.1
 * @param keepAliveSeconds how long an idle connection is kept for reuse
 * @param retry            how failed calls are sent again
 * @param rateLimits       the limits kept per egress group, method and endpoint
 */
public record CallPathConfig(int connectTimeoutMs, int poolSize, boolean http2, int keepAliveSeconds,
    RetryConfig retry, RateLimitConfig rateLimits) {

  /**
   * Retries: at most {@code maxAttempts} attempts, delays doubling from {@code baseDelayMs} to at
   * most {@code maxDelayMs}, none starting later than {@code deadlineMs} after the first.
   */
  public record RetryConfig(int maxAttempts, int baseDelayMs, int maxDelayMs, int deadlineMs) {
  }

  /** At most {@code calls} within any {@code windowMs}. */
  public record Limit(int calls, int windowMs) {
  }

  /**
   * Rate limits per endpoint: {@code limits} by method name, {@code marginMs} of slack per slot,
   * callers refused when their slot is more than {@code maxWaitMs} away or this node already holds
   * {@code maxQueued} waiting calls.
   */
  public record RateLimitConfig(boolean enabled, Map<String, Limit> limits, int marginMs, int maxWaitMs,
      int maxQueued) {
  }

  /** bunq's documented limits per IP and endpoint, in 3 s windows; DELETE as the emulator counts it. */
  private static final Map<String, Limit> BUNQ_LIMITS = Map.of("GET", new Limit(3, 3_000),
      "POST", new Limit(5, 3_000), "PUT", new Limit(2, 3_000), "DELETE", new Limit(2, 3_000));

  static CallPathConfig parse(JsonFields root) {
    JsonFields client = root.object("client");
    client.allowOnly(Set.of("connectTimeoutMs", "poolSize", "httpVersion", "keepAliveSeconds"));
    String version = client.string("httpVersion", "1.1");
    if (!version.equals("1.1") && !version.equals("2")) {
      throw client.error("httpVersion", "must be \"1.1\" or \"2\", was " + ConfigException.quote(version));
    }
    JsonFields retry = root.object("retry");
    retry.allowOnly(Set.of("maxAttempts", "baseDelayMs", "maxDelayMs", "deadlineMs"));
    int baseDelay = retry.integer("baseDelayMs", 250, 0, 60_000);
    int maxDelay = retry.integer("maxDelayMs", Math.max(4_000, baseDelay), 0, 600_000);
    if (maxDelay < baseDelay) {
      throw retry.error("maxDelayMs", "must be at least baseDelayMs (" + baseDelay + "), was " + maxDelay);
    }
    JsonFields limits = root.object("rateLimits");
    limits.allowOnly(Set.of("enabled", "marginMs", "maxWaitMs", "maxQueued", "get", "post", "put", "delete"));
    Map<String, Limit> perMethod = new LinkedHashMap<>();
    for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
      JsonFields limit = limits.object(method.toLowerCase(Locale.ROOT));
      limit.allowOnly(Set.of("calls", "windowMs"));
      Limit bunq = BUNQ_LIMITS.get(method);
      perMethod.put(method, new Limit(limit.integer("calls", bunq.calls(), 1, 10_000),
          limit.integer("windowMs", bunq.windowMs(), 1, 3_600_000)));
    }
    return new CallPathConfig(
        client.integer("connectTimeoutMs", 10_000, 100, 600_000),
        client.integer("poolSize", 16, 1, 1_024),
        version.equals("2"),
        client.integer("keepAliveSeconds", 60, 1, 3_600),
        new RetryConfig(retry.integer("maxAttempts", 4, 1, 20), baseDelay, maxDelay,
            retry.integer("deadlineMs", 30_000, 0, 3_600_000)),
        new RateLimitConfig(limits.bool("enabled", true), Map.copyOf(perMethod),
            limits.integer("marginMs", 100, 0, 60_000), limits.integer("maxWaitMs", 10_000, 0, 3_600_000),
            limits.integer("maxQueued", 1_000, 1, 1_000_000)));
  }
}
