package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deliverer's queue of one user, driven directly, with a sweep too slow to help: an event that
 * was numbered before the one being delivered but offered to the deliverer after it (two callbacks
 * stored at once, the later-numbered one first) is delivered right after it, not dropped from the
 * queue in its place.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeliveryOrderTest {

  private static final String ADDRESS = "test.order";

  private Vertx vertx;
  private Context context;
  private Deliverer deliverer;
  private final Queue<Long> received = new ConcurrentLinkedQueue<>();
  private final Queue<Message<JsonObject>> held = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    CallbackConfig defaults = CallbackConfig.defaults();
    CallbackConfig slowSweep = new CallbackConfig(defaults.allowedNetworks(), defaults.trustedProxies(),
        defaults.dedupeWindowMs(), defaults.attempts(), defaults.initialBackoffMs(), defaults.maxBackoffMs(),
        defaults.ackTimeoutMs(), defaults.leaseMs(), 600_000, defaults.tokenGraceMs());
    TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, "acme-token-0123456789ab",
        Map.of("alice", new UserConfig("alice", null, List.of())), Map.of("PAYMENT", List.of(ADDRESS)), false);
    vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> {
      received.add(AtLeastOnceDeliveryTest.objectId(message.body()));
      if (received.size() == 1) {
        held.add(message);
      } else {
        message.reply("ack");
      }
    }).completion().await(10, TimeUnit.SECONDS);
    EventStore store = new EventStore(vertx, 60_000);
    deliverer = new Deliverer(vertx, store, Map.of("acme", acme)::get, slowSweep, new CallbackStats(), null);
    on(deliverer::start);
  }

  @AfterEach
  void stop() throws Exception {
    on(() -> {
      deliverer.stop();
      return Future.succeededFuture();
    });
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on the deliverer's context and waits for the future it returns. */
  private <T> T on(Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await(10, TimeUnit.SECONDS);
  }

  private JsonObject pending(long seq, long objectId) throws Exception {
    JsonObject entry = new JsonObject().put("id", "event-" + objectId).put("tenant", "acme").put("user", "alice")
        .put("category", "PAYMENT").put("eventType", "PAYMENT_CREATED").put("objectType", "Payment")
        .put("seq", seq).put("receivedAt", System.currentTimeMillis())
        .put("body", AtLeastOnceDeliveryTest.event("PAYMENT", "Payment", objectId));
    vertx.sharedData().<String, String>getAsyncMap(CallbackMaps.PENDING)
        .compose(map -> map.put(entry.getString("id"), entry.encode())).await(10, TimeUnit.SECONDS);
    return entry;
  }

  @Test
  void anEarlierNumberedEventOfferedDuringADeliveryGoesRightAfterIt() throws Exception {
    JsonObject later = pending(10, 2001);
    JsonObject earlier = pending(5, 2002);
    on(() -> deliverer.accepted(later));
    Eventually.until(vertx, "the first event is being delivered", 10_000, () -> held.size() == 1);
    on(() -> deliverer.accepted(earlier));
    held.poll().reply("ack");
    Eventually.until(vertx, "the earlier-numbered event is delivered too", 10_000, () -> received.size() == 2);
    assertThat(received).containsExactly(2001L, 2002L);
  }
}
