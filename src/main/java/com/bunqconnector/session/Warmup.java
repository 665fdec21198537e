package com.bunqconnector.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the contexts of every registered user in the background when a node starts: a few at
 * a time, so session-server slots stay free for calls of users that are needed now, and with key
 * pairs generated ahead for users that have no context yet. Users that are ready are never held
 * up: their calls go to the {@link SessionManager} directly. Progress (ready, failed, rate, time
 * left) is logged every few seconds and readable from {@link #progress()}.
 *
 * <p>A user that fails for a reason other than an unknown user or credentials bunq refused goes to
 * the back of the queue and is tried again, up to {@value #ATTEMPTS} times in all.
 */
public final class Warmup {

  /** Users prepared at the same time by default. */
  public static final int DEFAULT_CONCURRENCY = 4;
  /** Tries per user before the warm-up gives it up (the user's own calls still try again). */
  static final int ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

  private final Vertx vertx;
  private final SessionManager sessions;
  private final int concurrency;
  private final long progressEveryMs;
  private final Deque<UserSpec> queue = new ArrayDeque<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final AtomicInteger ready = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final Promise<JsonObject> finished = Promise.promise();
  private volatile int total;
  private volatile long startedNanos;
  /** The one context the queue and counters of running users are touched on. */
  private Context context;
  private int running;
  private long progressTimer = -1;

  /**
   * @param concurrency     users prepared at the same time, at least 1
   * @param progressEveryMs how often progress is logged while the warm-up runs, at least 100
   */
  public Warmup(Vertx vertx, SessionManager sessions, int concurrency, long progressEveryMs) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("warm-up concurrency must be >= 1, was " + concurrency);
    }
    if (progressEveryMs < 100) {
      throw new IllegalArgumentException("warm-up progress interval must be >= 100 ms, was " + progressEveryMs);
    }
    this.vertx = vertx;
    this.sessions = sessions;
    this.concurrency = concurrency;
    this.progressEveryMs = progressEveryMs;
  }

  /**
   * Starts the warm-up of the users registered now, in tenant and user order, and returns at once.
   * The future completes with the final {@link #progress()} when every user is ready or given up.
   * Call once.
   */
  public Future<JsonObject> start() {
    List<UserSpec> users = sessions.users().stream().sorted(Comparator.comparing(UserSpec::key)).toList();
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      queue.addAll(users);
      total = users.size();
      startedNanos = System.nanoTime();
      log.info("Warm-up: preparing the bunq contexts of {} users, {} at a time", total, concurrency);
      if (total == 0) {
        finish();
        return;
      }
      progressTimer = vertx.setPeriodic(progressEveryMs, id -> log.info("Warm-up: {}", describe()));
      fill();
    });
    return finished.future();
  }

  /**
   * Progress so far: {@code {"total", "ready", "failed", "perSecond", "secondsLeft", "done"}};
   * {@code secondsLeft} is absent until a first user is ready.
   */
  public JsonObject progress() {
    int readyNow = ready.get();
    int failedNow = failed.get();
    double seconds = startedNanos == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
    double rate = seconds > 0 ? readyNow / seconds : 0;
    JsonObject progress = new JsonObject()
        .put("total", total)
        .put("ready", readyNow)
        .put("failed", failedNow)
        .put("perSecond", Math.round(rate * 100) / 100.0)
        .put("done", finished.future().isComplete());
    int left = total - readyNow - failedNow;
    if (rate > 0) {
      progress.put("secondsLeft", Math.round(left / rate));
    }
    return progress;
  }

  private String describe() {
    JsonObject progress = progress();
    String left = progress.containsKey("secondsLeft")
        ? "about " + Duration.ofSeconds(progress.getLong("secondsLeft")).toString().substring(2).toLowerCase()
            + " left"
        : "time left not known yet";
    return progress.getInteger("ready") + "/" + total + " contexts ready, " + progress.getInteger("failed")
        + " failed, " + progress.getDouble("perSecond") + "/s, " + left;
  }

  /** Starts users until {@code concurrency} run; runs on the warm-up's context. */
  private void fill() {
    while (running < concurrency && !queue.isEmpty()) {
      UserSpec user = queue.poll();
      running++;
      prepare(user).onComplete(done -> context.runOnContext(v -> {
        running--;
        if (done.succeeded()) {
          ready.incrementAndGet();
        } else {
          retryOrGiveUp(user, done.cause());
        }
        if (running == 0 && queue.isEmpty()) {
          finish();
        } else {
          fill();
        }
      }));
    }
  }

  private Future<SessionContext> prepare(UserSpec user) {
    return sessions.hasContext(user.tenant(), user.user()).compose(stored -> {
      if (!stored) {
        sessions.prepare(Math.min(queue.size() + 1, concurrency * 2));
      }
      return sessions.context(user.tenant(), user.user());
    });
  }

  private void retryOrGiveUp(UserSpec user, Throwable cause) {
    int tried = attempts.merge(user.key(), 1, Integer::sum);
    boolean hopeless = cause instanceof UnknownUserException || sessions.isInvalid(user.tenant(), user.user());
    if (!hopeless && tried < ATTEMPTS) {
      log.info("Warm-up: {} failed ({}); it is tried again later", user.key(), cause.getMessage());
      queue.add(user);
    } else {
      failed.incrementAndGet();
      log.warn("Warm-up: gave up on {} at attempt {}: {}", user.key(), tried, cause.getMessage());
    }
  }

  private void finish() {
    if (progressTimer >= 0) {
      vertx.cancelTimer(progressTimer);
    }
    JsonObject progress = progress();
    log.info("Warm-up done in {} ms: {}/{} contexts ready, {} failed", (System.nanoTime() - startedNanos) / 1_000_000,
        progress.getInteger("ready"), total, progress.getInteger("failed"));
    finished.tryComplete(progress().put("done", true));
  }
}
