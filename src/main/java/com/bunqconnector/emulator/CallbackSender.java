package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers bunq callbacks: POSTs {@code {"NotificationUrl":{...}}} to every URL the user registered
 * for the category. A connection error, timeout or non-2xx answer is retried
 * {@code callbackRetries} times, {@code callbackRetryIntervalMs} apart, then recorded as failed.
 * Must be used on the emulator's context; its timers fire there too.
 */
final class CallbackSender {

  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final Vertx vertx;
  private final WebClient client;
  private final EmulatorState state;
  private final EmulatorOptions options;
  /** Pending retry timers, cancelled on close. */
  private final Set<Long> timers = new HashSet<>();

  CallbackSender(Vertx vertx, WebClient client, EmulatorState state, EmulatorOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.state = state;
    this.options = options;
  }

  /** Sends the payment, under {@code category}/{@code eventType}, to each of the user's targets for it. */
  void notify(User user, String category, String eventType, Payment payment) {
    for (Filter filter : state.filtersOf(user.id())) {
      if (filter.category().equals(category)) {
        JsonObject body = new JsonObject().put("NotificationUrl", new JsonObject()
            .put("target_url", filter.target())
            .put("category", category)
            .put("event_type", eventType)
            .put("object", Envelopes.wrap("Payment", payment.json().copy())));
        Delivery delivery = new Delivery(user.id(), filter.target(), category, eventType, payment.id(),
            body.toBuffer());
        attempt(delivery, 0);
      }
    }
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
              log.debug("Delivered {} for payment {} to user {}", delivery.eventType(), delivery.objectId(),
                  delivery.userId());
            } else {
              failed(delivery, retry, "HTTP status " + response.statusCode(), response.statusCode());
            }
          }, error -> failed(delivery, retry, String.valueOf(error.getMessage()), null));
    } catch (RuntimeException e) {
      failed(delivery, retry, String.valueOf(e.getMessage()), null);
    }
  }

  private void failed(Delivery delivery, int retry, String reason, Integer statusCode) {
    if (retry < options.getCallbackRetries()) {
      log.warn("Callback {} for payment {} to user {} failed ({}); retry {} of {} scheduled", delivery.eventType(),
          delivery.objectId(), delivery.userId(), reason, retry + 1, options.getCallbackRetries());
      long timer = vertx.setTimer(options.getCallbackRetryIntervalMs(), id -> {
        timers.remove(id);
        attempt(delivery, retry + 1);
      });
      timers.add(timer);
      return;
    }
    log.warn("Callback {} for payment {} to user {} failed for good after {} attempts ({})", delivery.eventType(),
        delivery.objectId(), delivery.userId(), retry + 1, reason);
    state.recordFailedCallback(new JsonObject()
        .put("id", state.nextId())
        .put("created", Timestamps.format(state.now()))
        .put("category", delivery.category())
        .put("event_type", delivery.eventType())
        .put("object_id", delivery.objectId())
        .put("exception_message", reason)
        .put("response_code", statusCode));
  }

  private record Delivery(long userId, String target, String category, String eventType, long objectId,
      Buffer body) {
  }
}
