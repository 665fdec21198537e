package com.bunqconnector.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases that let one node at a time change a user's context, cluster-wide: an entry in the
 * {@code bunq.session.leases} map (clustered when the node is) put only if absent, with a
 * time-to-live, renewed while the work runs and removed when it ends. A node that finds the lease
 * taken does not park a thread on it: it asks again on a timer, backing off, until the lease is
 * free or its wait runs out. A holder that dies loses its lease when the time-to-live passes.
 *
 * <p>Renewal reads the lease and puts it back with a fresh time-to-live only if it still names
 * this holder; the lease could change hands between the two steps only if the holder had not
 * renewed for two thirds of the time-to-live, which the renewal period rules out short of a pause
 * of the whole process.
 */
public final class ContextLeases {

  /** Name of the shared map that holds the leases. */
  public static final String MAP_NAME = "bunq.session.leases";
  /** How long a lease outlives its last renewal: a dead holder blocks others at most this long. */
  public static final long DEFAULT_TTL_MS = 30_000;
  /** How long a caller waits for another node's change before it gives up. */
  public static final long DEFAULT_WAIT_MS = 300_000;

  private static final long FIRST_POLL_MS = 20;
  private static final long LAST_POLL_MS = 500;
  private static final Logger log = LoggerFactory.getLogger(ContextLeases.class);

  private final Vertx vertx;
  private final Future<AsyncMap<String, String>> map;
  private final long ttlMs;
  private final long waitMs;

  public ContextLeases(Vertx vertx) {
    this(vertx, DEFAULT_TTL_MS, DEFAULT_WAIT_MS);
  }

  /**
   * @param ttlMs  time-to-live of a lease after its last renewal, at least 300 ms
   * @param waitMs longest wait for a lease that another holder has
   */
  public ContextLeases(Vertx vertx, long ttlMs, long waitMs) {
    if (ttlMs < 300) {
      throw new IllegalArgumentException("lease ttl must be >= 300 ms, was " + ttlMs);
    }
    if (waitMs < 0) {
      throw new IllegalArgumentException("lease wait must be >= 0 ms, was " + waitMs);
    }
    this.vertx = vertx;
    this.map = vertx.sharedData().<String, String>getAsyncMap(MAP_NAME);
    this.ttlMs = ttlMs;
    this.waitMs = waitMs;
  }

  /**
   * Runs {@code work} while holding the lease on {@code key}, and releases it when the work's
   * future completes. Fails with {@link LeaseTimeoutException} if another holder keeps the lease
   * past this caller's wait; then the work does not run.
   */
  public <T> Future<T> withLease(String key, Supplier<Future<T>> work) {
    String holder = UUID.randomUUID().toString();
    Promise<Void> acquired = Promise.promise();
    acquire(key, holder, System.nanoTime() + waitMs * 1_000_000, FIRST_POLL_MS, acquired);
    return acquired.future().compose(v -> {
      long renewal = vertx.setPeriodic(ttlMs / 3, id -> renew(key, holder));
      Future<T> done;
      try {
        done = work.get();
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      return done.andThen(result -> {
        vertx.cancelTimer(renewal);
        map.compose(m -> m.removeIfPresent(key, holder))
            .onFailure(e -> log.warn("Releasing the context lease of {} failed: {}", key, e.toString()));
      });
    });
  }

  private void acquire(String key, String holder, long deadline, long pollMs, Promise<Void> acquired) {
    map.compose(m -> m.putIfAbsent(key, holder, ttlMs)).onComplete(result -> {
      if (result.failed()) {
        acquired.fail(result.cause());
      } else if (result.result() == null) {
        acquired.complete();
      } else if (System.nanoTime() + pollMs * 1_000_000 > deadline) {
        acquired.fail(new LeaseTimeoutException(key, waitMs));
      } else {
        vertx.setTimer(pollMs, id -> acquire(key, holder, deadline, Math.min(LAST_POLL_MS, pollMs * 2), acquired));
      }
    });
  }

  private void renew(String key, String holder) {
    map.compose(m -> m.get(key).compose(current -> holder.equals(current)
            ? m.put(key, holder, ttlMs)
            : Future.succeededFuture()))
        .onFailure(e -> log.warn("Renewing the context lease of {} failed: {}", key, e.toString()));
  }

  /** Another node kept a user's context lease longer than this caller would wait. */
  public static final class LeaseTimeoutException extends RuntimeException {

    LeaseTimeoutException(String key, long waitMs) {
      super("the bunq context of " + key + " is being changed elsewhere in the cluster for more than "
          + waitMs + " ms; try again later");
    }
  }
}
