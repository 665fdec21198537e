package com.bunqconnector.emulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bunq's rate limits: per source IP, per HTTP method and per path (without query), at most N calls
 * within any window of W milliseconds, read from the emulator's clock. A call over the limit is
 * answered 429 with bunq's text, unsigned (bunq does not sign 429s; the Ruby client even skips
 * verification for them), and is not counted itself, so a client that waits out the window gets
 * through again.
 *
 * <p>Runs on the emulator's context only. Memory is bounded by the calls of the last longest window:
 * empty and stale entries are swept once per longest window.
 */
final class RateLimiter {

  static final String SESSION_SERVER_PATH = "/v1/session-server";
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  private final RateLimitOptions limits;
  private final Clock clock;
  private final Replies replies;
  /** Call times (epoch ms, ascending) per "ip method path", only of calls that were let through. */
  private final Map<String, Deque<Long>> calls = new HashMap<>();
  private long lastSweepMs;
  /** Whether the first 429 was logged, with how to turn the limits off. */
  private boolean hintGiven;

  RateLimiter(RateLimitOptions limits, Clock clock, Replies replies) {
    this.limits = new RateLimitOptions(limits);
    this.clock = clock;
    this.replies = replies;
    this.lastSweepMs = clock.millis();
  }

  /** Route handler: lets the call through, or ends it with a 429 when its limit is used up. */
  void handle(RoutingContext ctx) {
    if (!limits.isEnabled()) {
      ctx.next();
      return;
    }
    HttpMethod method = ctx.request().method();
    String path = ctx.request().path();
    Limit limit = limitFor(method, path);
    if (limit == null || tryAcquire(ctx.request().remoteAddress().host() + " " + method + " " + path, limit)) {
      ctx.next();
      return;
    }
    if (!hintGiven) {
      hintGiven = true;
      log.info("{} {} from {} is over bunq's limit of {} calls per {} ms and is answered 429, as bunq would;"
          + " the emulator command's --no-rate-limits (or, embedded, emulator.rateLimits in connector.json) turns"
          + " them off (said once)", method, path,
          ctx.request().remoteAddress().host(), limit.calls(), limit.windowMs());
    } else {
      log.debug("{} {} from {} is over its limit of {} calls per {} ms", method, path,
          ctx.request().remoteAddress().host(), limit.calls(), limit.windowMs());
    }
    replies.fail(ctx, tooManyRequests(limit));
  }

  /** The limit of this method on this path; {@code null} for methods bunq does not limit (HEAD, OPTIONS). */
  Limit limitFor(HttpMethod method, String path) {
    if (HttpMethod.POST.equals(method) && SESSION_SERVER_PATH.equals(path)) {
      return new Limit(limits.getSessionServerCalls(), limits.getSessionServerWindowMs());
    }
    if (HttpMethod.GET.equals(method)) {
      return new Limit(limits.getGetCalls(), limits.getGetWindowMs());
    }
    if (HttpMethod.POST.equals(method)) {
      return new Limit(limits.getPostCalls(), limits.getPostWindowMs());
    }
    if (HttpMethod.PUT.equals(method)) {
      return new Limit(limits.getPutCalls(), limits.getPutWindowMs());
    }
    if (HttpMethod.DELETE.equals(method)) {
      return new Limit(limits.getDeleteCalls(), limits.getDeleteWindowMs());
    }
    return null;
  }

  /** The 429 bunq answers for this limit. */
  static ApiError tooManyRequests(Limit limit) {
    String seconds = BigDecimal.valueOf(limit.windowMs(), 3).stripTrailingZeros().toPlainString();
    // bunq's wording, "per 3 second" included; the session-server text is assumed to follow the same pattern.
    return new ApiError(429, "Too many requests. You can do a maximum of " + limit.calls() + " calls per "
        + seconds + " second to this endpoint.");
  }

  private boolean tryAcquire(String key, Limit limit) {
    long now = clock.millis();
    sweep(now);
    Deque<Long> times = calls.computeIfAbsent(key, k -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= now - limit.windowMs()) {
      times.pollFirst();
    }
    if (times.size() >= limit.calls()) {
      return false;
    }
    times.addLast(now);
    return true;
  }

  /** Drops keys with no call inside the longest window; runs at most once per longest window. */
  private void sweep(long now) {
    long longest = limits.longestWindowMs();
    if (now - lastSweepMs < longest) {
      return;
    }
    lastSweepMs = now;
    for (Iterator<Deque<Long>> it = calls.values().iterator(); it.hasNext(); ) {
      Deque<Long> times = it.next();
      if (times.isEmpty() || times.peekLast() <= now - longest) {
        it.remove();
      }
    }
  }

  /** A limit: at most {@code calls} within any {@code windowMs} milliseconds. */
  record Limit(int calls, long windowMs) {
  }
}
