package com.bunqconnector.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps calls within bunq's rate limits before bunq sees them: per egress IP group, HTTP method and
 * endpoint (the path without query, as bunq counts), at most {@code calls} within any
 * {@code windowMs}, cluster-wide.
 *
 * <p>Calls to one endpoint are spaced evenly, one slot every {@code windowMs / calls} plus a
 * margin for network jitter, so no window can hold more than the limit. Time is cut into slots of
 * that length; a caller books the first free one by {@code putIfAbsent} of
 * {@code group|METHOD|path#slot} in the shared map {@value #MAP_NAME} (clustered when the node
 * is), and waits for it on a timer. Entries expire soon after their slot, so the map holds only
 * the near future. Nodes that share a public IP must name the same group, and share a wall clock
 * to within a fraction of a slot.
 *
 * <p>The queue is bounded twice: a call whose slot lies beyond {@code maxWaitMs} fails at once, and
 * so does one that would make this node hold more than {@code maxQueued} waiting calls; both fail
 * with {@link ErrorCode#RATE_LIMITED} saying why. A caller with a deadline books only a slot that
 * starts before it.
 */
public final class CallLimiter {

  /** Name of the shared map of booked slots. */
  public static final String MAP_NAME = "bunq.call-slots";

  /** bunq's documented limit for one method: {@code calls} within any {@code windowMs}. */
  public record Limit(int calls, long windowMs) {
    public Limit {
      if (calls < 1 || windowMs < 1) {
        throw new IllegalArgumentException("a rate limit needs calls >= 1 and windowMs >= 1, was " + calls + " per "
            + windowMs + " ms");
      }
    }
  }

  /** bunq's limits: GET 3, POST 5, PUT 2 (and, as the emulator, DELETE 2) per 3 seconds, per IP and endpoint. */
  public static Map<HttpMethod, Limit> bunqLimits() {
    return Map.of(HttpMethod.GET, new Limit(3, 3_000), HttpMethod.POST, new Limit(5, 3_000),
        HttpMethod.PUT, new Limit(2, 3_000), HttpMethod.DELETE, new Limit(2, 3_000));
  }

  /** Slack added to each slot for requests that arrive at bunq later or earlier than sent. */
  public static final long DEFAULT_MARGIN_MS = 100;
  public static final long DEFAULT_MAX_WAIT_MS = 10_000;
  public static final int DEFAULT_MAX_QUEUED = 1_000;
  /** How long a booking outlives its slot, so that nodes whose clocks differ a little still see it. */
  private static final long BOOKING_SLACK_MS = 5_000;
  /** Endpoints whose next free slot this node remembers, to skip slots it knows are taken. */
  private static final int MAX_HINTS = 10_000;

  private final String group;
  private final Map<HttpMethod, Long> slotMs = new HashMap<>();
  private final long maxWaitMs;
  private final int maxQueued;
  private final Clock clock;
  private final Vertx vertx;
  private final Future<AsyncMap<String, String>> slots;
  private final String owner;
  private final Map<String, Long> nextFree = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();

  private CallLimiter(Vertx vertx, String group, Map<HttpMethod, Limit> limits, long marginMs, long maxWaitMs,
      int maxQueued, Clock clock) {
    this.vertx = vertx;
    this.group = group;
    limits.forEach((method, limit) -> slotMs.put(method, divideUp(limit.windowMs(), limit.calls()) + marginMs));
    this.maxWaitMs = maxWaitMs;
    this.maxQueued = maxQueued;
    this.clock = clock;
    this.slots = vertx == null ? null : vertx.sharedData().getAsyncMap(MAP_NAME);
    this.owner = UUID.randomUUID().toString();
  }

  /**
   * A limiter for the egress IP group {@code group}. Methods without a limit in {@code limits} are
   * not limited.
   *
   * @param marginMs  slack added to every slot, at least 0
   * @param maxWaitMs longest wait for a slot before a call is refused, at least 0
   * @param maxQueued most calls this node holds waiting at once, at least 1
   */
  public static CallLimiter of(Vertx vertx, String group, Map<HttpMethod, Limit> limits, long marginMs,
      long maxWaitMs, int maxQueued, Clock clock) {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("egress group must not be empty");
    }
    if (marginMs < 0 || maxWaitMs < 0 || maxQueued < 1) {
      throw new IllegalArgumentException("rate limiter needs marginMs >= 0, maxWaitMs >= 0 and maxQueued >= 1");
    }
    return new CallLimiter(vertx, group, limits, marginMs, maxWaitMs, maxQueued, clock);
  }

  /** A limiter that lets every call through at once: for bunq stand-ins without limits. */
  public static CallLimiter unlimited() {
    return new CallLimiter(null, "unlimited", Map.of(), 0, 0, Integer.MAX_VALUE, Clock.systemUTC());
  }

  /** Calls of this node waiting for a slot now. */
  public int queued() {
    return queued.get();
  }

  /**
   * Completes when a call of {@code method} to {@code path} may go out, with the start of its slot
   * (epoch milliseconds, or 0 for a call that is not limited); fails with
   * {@link ErrorCode#RATE_LIMITED} when the wait would be too long or the queue is full.
   */
  public Future<Long> slot(HttpMethod method, String path) {
    return slot(method, path, 0);
  }

  /**
   * As {@link #slot(HttpMethod, String)}, for a caller that gives up at {@code notAfterMs} (epoch
   * milliseconds, 0 for never): only a slot that starts before it is booked, so a caller that could
   * not use its slot takes none from later calls. When every free slot starts too late the call
   * fails at once with {@link ErrorCode#TIMEOUT}, not sent.
   */
  public Future<Long> slot(HttpMethod method, String path, long notAfterMs) {
    Long slot = slotMs.get(method);
    if (slots == null || slot == null) {
      return Future.succeededFuture(0L);
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return Future.failedFuture(refusal(method, path, "this node already holds " + maxQueued
          + " calls waiting for bunq's rate limits"));
    }
    String endpoint = group + "|" + method.name() + "|" + path;
    long now = clock.millis();
    long first = Math.max(divideUp(now, slot), nextFree.getOrDefault(endpoint, 0L));
    long waitBound = (now + maxWaitMs) / slot;
    boolean callerBound = notAfterMs > 0 && (notAfterMs - 1) / slot < waitBound;
    long last = callerBound ? (notAfterMs - 1) / slot : waitBound;
    Promise<Long> ready = Promise.promise();
    slots.onComplete(map -> {
      if (map.failed()) {
        ready.fail(map.cause());
      } else {
        book(map.result(), method, path, endpoint, slot, first, last, callerBound, ready);
      }
    });
    return ready.future().onComplete(done -> queued.decrementAndGet());
  }

  private void book(AsyncMap<String, String> map, HttpMethod method, String path, String endpoint, long slot,
      long index, long last, boolean callerBound, Promise<Long> ready) {
    if (index > last) {
      ready.fail(callerBound
          ? new BunqApiException(ErrorCode.TIMEOUT, 0, List.of(method + " " + path + " not sent: no slot of bunq's"
              + " rate limit (egress group " + group + ", one call every " + slot + " ms per endpoint) is free before"
              + " the caller's deadline"), null, BunqApiException.Delivery.NOT_SENT)
          : refusal(method, path, "no free slot within " + maxWaitMs + " ms (one call every " + slot
              + " ms per endpoint)"));
      return;
    }
    long start = index * slot;
    long ttl = Math.max(0, start - clock.millis()) + 2 * slot + BOOKING_SLACK_MS;
    map.putIfAbsent(endpoint + "#" + index, owner, ttl).onComplete(booked -> {
      if (booked.failed()) {
        ready.fail(booked.cause());
      } else if (booked.result() != null) {
        book(map, method, path, endpoint, slot, index + 1, last, callerBound, ready);
      } else {
        remember(endpoint, index + 1);
        long wait = start - clock.millis();
        if (wait <= 0) {
          ready.complete(start);
        } else {
          vertx.setTimer(wait, id -> ready.complete(start));
        }
      }
    });
  }

  private void remember(String endpoint, long nextIndex) {
    if (nextFree.size() >= MAX_HINTS) {
      nextFree.clear();
    }
    nextFree.merge(endpoint, nextIndex, Math::max);
  }

  private BunqApiException refusal(HttpMethod method, String path, String why) {
    return new BunqApiException(ErrorCode.RATE_LIMITED, 0, List.of(method + " " + path + " held back for bunq's"
        + " rate limit (egress group " + group + "): " + why), null, BunqApiException.Delivery.NOT_SENT);
  }

  private static long divideUp(long dividend, long divisor) {
    return (dividend + divisor - 1) / divisor;
  }
}
