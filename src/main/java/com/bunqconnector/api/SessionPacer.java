package com.bunqconnector.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces {@code session-server} calls for one egress IP group, cluster-wide: bunq allows one such
 * call per 30 seconds per source IP. The group's next free slot (epoch milliseconds) lives in a
 * shared counter ({@code bunq.pacer.<group>}, clustered when the node is); a caller reserves the
 * slot with compare-and-set, moving it on by the interval, and waits for it on a timer. Slots go
 * first come, first served, whichever user or node asks, so no user is starved.
 *
 * <p>A caller whose slot would be further away than the longest wait is refused at once, without
 * taking a slot, with a {@link ErrorCode#RATE_LIMITED} failure that says how long the queue is.
 * All nodes of a group must share a wall clock to within a fraction of the interval.
 */
public final class SessionPacer {

  /** bunq's documented limit: one {@code session-server} call per 30 s per source IP. */
  public static final long DEFAULT_INTERVAL_MS = 30_000;
  /** How long a caller waits for a slot before it is refused. */
  public static final long DEFAULT_MAX_WAIT_MS = 120_000;

  private static final int MAX_ATTEMPTS = 64;

  private final Vertx vertx;
  private final String group;
  private final long intervalMs;
  private final long maxWaitMs;
  private final Clock clock;
  private final Future<Counter> nextSlot;
  private final AtomicLong paced = new AtomicLong();
  private final AtomicLong waitedMs = new AtomicLong();

  private SessionPacer(Vertx vertx, String group, long intervalMs, long maxWaitMs, Clock clock) {
    this.vertx = vertx;
    this.group = group;
    this.intervalMs = intervalMs;
    this.maxWaitMs = maxWaitMs;
    this.clock = clock;
    this.nextSlot = vertx == null ? null : vertx.sharedData().getCounter("bunq.pacer." + group);
  }

  /**
   * A pacer for the egress IP group {@code group}.
   *
   * @param intervalMs time between two {@code session-server} calls of the group, at least 1
   * @param maxWaitMs  longest wait for a slot before a call is refused, at least 0
   */
  public static SessionPacer of(Vertx vertx, String group, long intervalMs, long maxWaitMs, Clock clock) {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("egress group must not be empty");
    }
    if (intervalMs < 1) {
      throw new IllegalArgumentException("pacing interval must be >= 1 ms, was " + intervalMs);
    }
    if (maxWaitMs < 0) {
      throw new IllegalArgumentException("pacing max wait must be >= 0 ms, was " + maxWaitMs);
    }
    return new SessionPacer(vertx, group, intervalMs, maxWaitMs, clock);
  }

  /** A pacer that never waits: for bunq stand-ins without limits. */
  public static SessionPacer unpaced() {
    return new SessionPacer(null, "unpaced", 0, 0, Clock.systemUTC());
  }

  /**
   * Completes when the caller may make its {@code session-server} call; fails with a
   * {@link BunqApiException} of code {@link ErrorCode#RATE_LIMITED} if the wait would exceed the
   * longest wait. {@code who} names the user in that failure.
   */
  public Future<Void> slot(String who) {
    if (nextSlot == null) {
      return Future.succeededFuture();
    }
    Promise<Void> ready = Promise.promise();
    nextSlot.onComplete(counter -> {
      if (counter.failed()) {
        ready.fail(counter.cause());
      } else {
        reserve(counter.result(), who, 1, ready);
      }
    });
    return ready.future();
  }

  /** {@code session-server} calls that went through this pacer. */
  public long pacedCount() {
    return paced.get();
  }

  /** Total time callers of this node waited for their slots, in milliseconds. */
  public long waitedMillis() {
    return waitedMs.get();
  }

  private void reserve(Counter counter, String who, int attempt, Promise<Void> ready) {
    counter.get().compose(next -> {
      long now = clock.millis();
      long slot = Math.max(now, next);
      if (slot - now > maxWaitMs) {
        return Future.failedFuture(new BunqApiException(ErrorCode.RATE_LIMITED, 0, List.of("no session-server slot"
            + " for " + who + " within " + maxWaitMs + " ms: egress group " + group + " is booked for the next "
            + (slot - now) + " ms (one call per " + intervalMs + " ms)"), null));
      }
      return counter.compareAndSet(next, slot + intervalMs).map(won -> won ? slot - now : -1L);
    }).onComplete(result -> {
      if (result.failed()) {
        ready.fail(result.cause());
      } else if (result.result() >= 0) {
        long wait = result.result();
        paced.incrementAndGet();
        waitedMs.addAndGet(wait);
        if (wait == 0) {
          ready.complete();
        } else {
          vertx.setTimer(wait, id -> ready.complete());
        }
      } else if (attempt >= MAX_ATTEMPTS) {
        ready.fail(new BunqApiException(ErrorCode.RATE_LIMITED, 0, List.of("no session-server slot for " + who
            + ": egress group " + group + " stayed contended for " + MAX_ATTEMPTS + " attempts"), null));
      } else {
        reserve(counter, who, attempt + 1, ready);
      }
    });
  }
}
