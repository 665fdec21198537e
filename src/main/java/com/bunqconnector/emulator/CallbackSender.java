package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers bunq callbacks: POSTs {@code {"NotificationUrl":{...}}} to every URL registered for the
 * category, on the user (owner of the account) and on the account itself. A URL registered at both
 * levels gets the callback once: bunq documents no duplicates and a receiver could not tell the two
 * apart, so the emulator assumes bunq sends one. A connection error, timeout or non-2xx answer is
 * retried {@code callbackRetries} times, {@code callbackRetryIntervalMs} apart, then kept as a
 * {@link FailedCallback} that {@code notification-filter-failure} lists and can retry.
 *
 * <p>A callback tells of a change, so it goes out only once {@link Durability} has the change on disk
 * (at once without a data directory): a receiver is never told of a payment that a crash could undo.
 * Until it is delivered or fails for good, a callback is a {@link Pending} in the {@link ResourceStore},
 * saved with the state, so a restarted durable emulator {@link #resume() resumes} it with the attempts
 * it has made. Must be used on the emulator's context; its timers fire there too.
 */
final class CallbackSender {

  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final Vertx vertx;
  private final WebClient client;
  private final EmulatorState state;
  private final ResourceStore store;
  private final EmulatorOptions options;
  /** Pending timers (retries, waits for a failed save), cancelled on close. */
  private final Set<Long> timers = new HashSet<>();
  private Durability durability = Durability.NONE;
  private boolean closed;

  /**
   * A callback on its way: what is posted where, for whom, and the attempts made so far. A retry of a
   * failure ({@code failureId} set) makes one attempt and, failing, returns under the failure's id.
   */
  static final class Pending {
    final long key;
    final long userId;
    final String target;
    final String category;
    final String eventType;
    final long objectId;
    final Buffer body;
    final Long failureId;
    final Instant failureCreated;
    /** Attempts made (and failed) so far. */
    int attempts;

    Pending(long key, long userId, String target, String category, String eventType, long objectId, Buffer body,
        Long failureId, Instant failureCreated, int attempts) {
      this.key = key;
      this.userId = userId;
      this.target = target;
      this.category = category;
      this.eventType = eventType;
      this.objectId = objectId;
      this.body = body;
      this.failureId = failureId;
      this.failureCreated = failureCreated;
      this.attempts = attempts;
    }
  }

  CallbackSender(Vertx vertx, WebClient client, EmulatorState state, ResourceStore store, EmulatorOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.state = state;
    this.store = store;
    this.options = options;
  }

  /** Makes callbacks wait for {@code durability} to save the changes they tell of. */
  void useDurability(Durability durability) {
    this.durability = durability;
  }

  /**
   * Sends {@code object} (wrapped as {@code {objectType: object}}, copied now) under
   * {@code category}/{@code eventType} to each target of the account owner, of the OAuth apps the
   * owner connected and of the account for that category, once the change made in this turn is saved.
   */
  void notify(Account account, String category, String eventType, String objectType, long objectId,
      JsonObject object) {
    Set<String> targets = new LinkedHashSet<>();
    for (Filter filter : state.filtersOf(account.owner.id())) {
      if (filter.category().equals(category)) {
        targets.add(filter.target());
      }
    }
    for (Filter filter : state.accountFiltersOf(account.id)) {
      if (filter.category().equals(category)) {
        targets.add(filter.target());
      }
    }
    for (Filter filter : state.appFiltersFor(account.owner.id())) {
      if (filter.category().equals(category)) {
        targets.add(filter.target());
      }
    }
    List<Pending> made = new ArrayList<>();
    for (String target : targets) {
      JsonObject body = new JsonObject().put("NotificationUrl", new JsonObject()
          .put("target_url", target)
          .put("category", category)
          .put("event_type", eventType)
          .put("object", Envelopes.wrap(objectType, object.copy())));
      made.add(pending(account.owner.id(), target, category, eventType, objectId, body.toBuffer(), null, null));
    }
    sendWhenSaved(made);
  }

  /**
   * Sends a failed callback once more, exactly as before. It leaves the failure list now; if this
   * single attempt fails too it returns under the same id.
   */
  void retry(FailedCallback failure) {
    store.removeFailure(failure);
    log.info("Retrying {} callback {} for object {} of user {}", failure.category(), failure.id(),
        failure.objectId(), failure.userId());
    sendWhenSaved(List.of(pending(failure.userId(), failure.target(), failure.category(), failure.eventType(),
        failure.objectId(), failure.body(), failure.id(), failure.created())));
  }

  /** Attempts every pending callback a restarted emulator found in its saved state, each at once. */
  void resume() {
    List<Pending> pending = store.pendingCallbacks();
    if (!pending.isEmpty()) {
      log.info("Resuming {} pending callbacks", pending.size());
    }
    pending.forEach(this::attempt);
  }

  /** Cancels pending retries and closes the web client; pending callbacks stay in the store. */
  void close() {
    closed = true;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    client.close();
  }

  private Pending pending(long userId, String target, String category, String eventType, long objectId,
      Buffer body, Long failureId, Instant failureCreated) {
    Pending pending = new Pending(store.nextPendingKey(), userId, target, category, eventType, objectId, body,
        failureId, failureCreated, 0);
    store.putPending(pending);
    return pending;
  }

  /**
   * Announces the change that made {@code pending} (so it is saved with it) and attempts each once it
   * is on disk; a failed save is waited out {@code callbackRetryIntervalMs} at a time.
   */
  private void sendWhenSaved(List<Pending> pending) {
    if (pending.isEmpty() || closed) {
      return;
    }
    state.changed();
    durability.settled().onComplete(saved -> pending.forEach(this::attempt), failure -> {
      log.warn("{} callbacks wait for their change to be saved ({})", pending.size(), failure.getMessage());
      later(() -> sendWhenSaved(pending));
    });
  }

  private void later(Runnable action) {
    if (closed) {
      return;
    }
    long timer = vertx.setTimer(options.getCallbackRetryIntervalMs(), id -> {
      timers.remove(id);
      action.run();
    });
    timers.add(timer);
  }

  private void attempt(Pending pending) {
    if (closed) {
      return;
    }
    try {
      client.postAbs(pending.target)
          .timeout(options.getCallbackTimeoutMs())
          .putHeader("Content-Type", "application/json")
          .sendBuffer(pending.body)
          .onComplete(response -> {
            if (response.statusCode() / 100 == 2) {
              log.debug("Delivered {} for object {} to user {}", pending.eventType, pending.objectId,
                  pending.userId);
              store.removePending(pending);
              state.changed();
            } else {
              failed(pending, "HTTP status " + response.statusCode(), response.statusCode());
            }
          }, error -> failed(pending, reason(error, pending.target), null));
    } catch (RuntimeException e) {
      failed(pending, reason(e, pending.target), null);
    }
  }

  /**
   * The failure's message with the target URL and its path cut out: a target's path may hold a
   * secret token, and this text is logged and listed.
   */
  static String reason(Throwable error, String target) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    String path;
    try {
      path = URI.create(target).getRawPath();
    } catch (IllegalArgumentException e) {
      path = null;
    }
    String redacted = message.replace(target, "<target>");
    return path == null || path.length() < 2 ? redacted : redacted.replace(path, "<path>");
  }

  private void failed(Pending pending, String reason, Integer statusCode) {
    if (closed) {
      // Closing cancelled the attempt: it stays pending, as saved, for the next start.
      return;
    }
    pending.attempts++;
    state.changed();
    int allowed = pending.failureId == null ? options.getCallbackRetries() + 1 : 1;
    if (pending.attempts < allowed) {
      log.warn("Callback {} for object {} to user {} failed ({}); retry {} of {} scheduled", pending.eventType,
          pending.objectId, pending.userId, reason, pending.attempts, options.getCallbackRetries());
      later(() -> attempt(pending));
      return;
    }
    log.warn("Callback {} for object {} to user {} failed for good after {} attempts ({})", pending.eventType,
        pending.objectId, pending.userId, pending.attempts, reason);
    Instant now = state.now();
    store.removePending(pending);
    store.putFailure(new FailedCallback(pending.failureId == null ? state.nextId() : pending.failureId,
        pending.failureCreated == null ? now : pending.failureCreated, now, pending.userId, pending.target,
        pending.category, pending.eventType, pending.objectId, reason, statusCode, pending.body));
  }
}
