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
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 * Must be used on the emulator's context; its timers fire there too.
 */
final class CallbackSender {

  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final Vertx vertx;
  private final WebClient client;
  private final EmulatorState state;
  private final ResourceStore store;
  private final EmulatorOptions options;
  /** Pending retry timers, cancelled on close. */
  private final Set<Long> timers = new HashSet<>();

  CallbackSender(Vertx vertx, WebClient client, EmulatorState state, ResourceStore store, EmulatorOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.state = state;
    this.store = store;
    this.options = options;
  }

  /**
   * Sends {@code object} (wrapped as {@code {objectType: object}}, copied now) under
   * {@code category}/{@code eventType} to each target of the account owner and of the account for
   * that category.
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
    for (String target : targets) {
      JsonObject body = new JsonObject().put("NotificationUrl", new JsonObject()
          .put("target_url", target)
          .put("category", category)
          .put("event_type", eventType)
          .put("object", Envelopes.wrap(objectType, object.copy())));
      attempt(new Delivery(account.owner.id(), target, category, eventType, objectId, body.toBuffer(), null), 0);
    }
  }

  /**
   * Sends a failed callback once more, exactly as before. It leaves the failure list now; if this
   * single attempt fails too it returns under the same id.
   */
  void retry(FailedCallback failure) {
    store.removeFailure(failure);
    log.info("Retrying {} callback {} for object {} of user {}", failure.category(), failure.id(),
        failure.objectId(), failure.userId());
    attempt(new Delivery(failure.userId(), failure.target(), failure.category(), failure.eventType(),
        failure.objectId(), failure.body(), failure), options.getCallbackRetries());
  }

  /** Cancels pending retries and closes the web client. */
  void close() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    client.close();
  }

  private void attempt(Delivery delivery, int retry) {
    try {
      client.postAbs(delivery.target())
          .timeout(options.getCallbackTimeoutMs())
          .putHeader("Content-Type", "application/json")
          .sendBuffer(delivery.body())
          .onComplete(response -> {
            if (response.statusCode() / 100 == 2) {
              log.debug("Delivered {} for object {} to user {}", delivery.eventType(), delivery.objectId(),
                  delivery.userId());
            } else {
              failed(delivery, retry, "HTTP status " + response.statusCode(), response.statusCode());
            }
          }, error -> failed(delivery, retry, reason(error, delivery.target()), null));
    } catch (RuntimeException e) {
      failed(delivery, retry, reason(e, delivery.target()), null);
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

  private void failed(Delivery delivery, int retry, String reason, Integer statusCode) {
    if (retry < options.getCallbackRetries()) {
      log.warn("Callback {} for object {} to user {} failed ({}); retry {} of {} scheduled", delivery.eventType(),
          delivery.objectId(), delivery.userId(), reason, retry + 1, options.getCallbackRetries());
      long timer = vertx.setTimer(options.getCallbackRetryIntervalMs(), id -> {
        timers.remove(id);
        attempt(delivery, retry + 1);
      });
      timers.add(timer);
      return;
    }
    log.warn("Callback {} for object {} to user {} failed for good after {} attempts ({})", delivery.eventType(),
        delivery.objectId(), delivery.userId(), retry + 1, reason);
    Instant now = state.now();
    FailedCallback earlier = delivery.earlier();
    store.putFailure(new FailedCallback(earlier == null ? state.nextId() : earlier.id(),
        earlier == null ? now : earlier.created(), now, delivery.userId(), delivery.target(), delivery.category(),
        delivery.eventType(), delivery.objectId(), reason, statusCode, delivery.body()));
    state.changed();
  }

  /** One callback on its way; {@code earlier} is the failure it retries, if it is a retry. */
  private record Delivery(long userId, String target, String category, String eventType, long objectId,
      Buffer body, FailedCallback earlier) {
  }
}
