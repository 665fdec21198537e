package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One node over real sockets: source networks and trusted proxies, token rotation through
 * bunq.admin, duplicates, a consumer that fails before it acknowledges, one that never does (dead
 * letter, then replay), and per-user order while an earlier event is being retried.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AtLeastOnceDeliveryTest {

  private static final String TOKEN = "acme-token-0123456789abcdef";
  private static final String BANK_TOKEN = "bank-token-0123456789abcdef";
  private static final String ROTA_TOKEN = "rota-token-0123456789abcdef";
  private static final AtomicLong IDS = new AtomicLong(1000);

  private static Vertx vertx;
  private static WebClient web;
  private static CallbackStats stats;
  private static int port;
  private static final Queue<Message<JsonObject>> flaky = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger flakyFailuresLeft = new AtomicInteger();
  private static final Queue<Message<JsonObject>> silent = new ConcurrentLinkedQueue<>();
  private static volatile boolean silentAcks;
  private static final Queue<Long> ordered = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger orderedFailuresLeft = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    stats = new CallbackStats();
    UserConfig alice = new UserConfig("alice", null, List.of());
    TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN,
        Map.of("alice", alice), Map.of("PAYMENT", List.of("test.flaky"), "MUTATION", List.of("test.silent"),
        "REQUEST", List.of("test.ordered")), false);
    TenantConfig bank = new TenantConfig("bank", "bank.json", Environment.PRODUCTION, null, BANK_TOKEN,
        Map.of("alice", new UserConfig("alice", "key", List.of())), Map.of("PAYMENT", List.of("test.flaky")), false);
    TenantConfig rota = new TenantConfig("rota", "rota.json", Environment.EMULATOR, null, ROTA_TOKEN,
        Map.of(), Map.of("PAYMENT", List.of("test.flaky")), false);
    vertx.eventBus().<JsonObject>consumer("test.flaky", message -> {
      if (flakyFailuresLeft.getAndDecrement() > 0) {
        message.fail(503, "not yet");
      } else {
        flaky.add(message);
        message.reply("ack");
      }
    });
    vertx.eventBus().<JsonObject>consumer("test.silent", message -> {
      silent.add(message);
      if (silentAcks) {
        message.reply("ack");
      }
    });
    vertx.eventBus().<JsonObject>consumer("test.ordered", message -> {
      long id = objectId(message.body());
      if (ordered.isEmpty() && orderedFailuresLeft.getAndDecrement() > 0) {
        message.fail(503, "not yet");
      } else {
        ordered.add(id);
        message.reply("ack");
      }
    });
    CallbackConfig defaults = CallbackConfig.defaults();
    CallbackConfig config = new CallbackConfig(defaults.allowedNetworks(), List.of("127.0.0.1/32"), 60_000, 5, 20,
        100, 300, 2_000, 100, 60_000);
    CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme, "bank", bank, "rota", rota), "127.0.0.1",
        0, 64 * 1024, config, stats, null);
    vertx.deployVerticle(endpoint).await();
    port = endpoint.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static String event(String category, String type, long id) {
    return new JsonObject().put("NotificationUrl", new JsonObject().put("target_url", "https://example.com")
        .put("category", category).put("event_type", category + "_CREATED").put("object", new JsonObject()
            .put(type, new JsonObject().put("id", id).put("created", "2026-12-04 01:00:00.000000")
                .put("updated", "2026-12-04 01:00:00.000000").put("monetary_account_id", 7)))).encode();
  }

  static long objectId(JsonObject body) {
    JsonObject object = body.getJsonObject("NotificationUrl").getJsonObject("object");
    return object.getJsonObject(object.fieldNames().iterator().next()).getLong("id");
  }

  private static HttpRequest<Buffer> request(String path) {
    return web.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json");
  }

  private static int post(String path, String body) {
    return request(path).sendBuffer(Buffer.buffer(body)).await().statusCode();
  }

  private static JsonObject admin(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request).await().body();
  }

  @Test
  void callbackFromOutsideTheEnvironmentsNetworksGets403AndIsCounted() {
    long rejected = stats.rejected();
    String body = event("PAYMENT", "Payment", IDS.incrementAndGet());
    assertThat(post("/callbacks/bank/" + BANK_TOKEN + "?user=alice", body)).isEqualTo(403);
    assertThat(request("/callbacks/bank/" + BANK_TOKEN).putHeader("X-Forwarded-For", "185.40.108.9, 10.1.2.3")
        .sendBuffer(Buffer.buffer(body)).await().statusCode()).as("right-most untrusted hop decides").isEqualTo(403);
    assertThat(request("/callbacks/bank/" + BANK_TOKEN).putHeader("X-Forwarded-For", "not-an-address")
        .sendBuffer(Buffer.buffer(body)).await().statusCode()).isEqualTo(403);
    assertThat(post("/callbacks/bank/" + BANK_TOKEN, "x".repeat(100 * 1024)))
        .as("refused before its oversized body is read").isEqualTo(403);
    assertThat(stats.rejected() - rejected).isEqualTo(4);
  }

  @Test
  void forwardedForFromATrustedProxyNamesTheSource() throws Exception {
    long id = IDS.incrementAndGet();
    int status = request("/callbacks/bank/" + BANK_TOKEN).putHeader("X-Forwarded-For", "185.40.108.9")
        .sendBuffer(Buffer.buffer(event("PAYMENT", "Payment", id))).await().statusCode();
    assertThat(status).isEqualTo(200);
    Eventually.until(vertx, "the proxied callback is delivered", 5_000,
        () -> flaky.stream().anyMatch(message -> objectId(message.body()) == id));
  }

  @Test
  void sameEventPostedThreeTimesIsDeliveredOnce() throws Exception {
    long id = IDS.incrementAndGet();
    long duplicates = stats.duplicates();
    String body = event("PAYMENT", "Payment", id);
    for (int i = 0; i < 3; i++) {
      assertThat(post("/callbacks/acme/" + TOKEN + "?user=alice", body)).isEqualTo(200);
    }
    Eventually.until(vertx, "the event is delivered", 5_000,
        () -> flaky.stream().anyMatch(message -> objectId(message.body()) == id));
    assertThat(stats.duplicates() - duplicates).isEqualTo(2);
    Eventually.untilAsync(vertx, "nothing is pending", 5_000, AtLeastOnceDeliveryTest::nothingPending);
    assertThat(flaky.stream().filter(message -> objectId(message.body()) == id)).hasSize(1);
  }

  @Test
  void consumerThatFailsThreeTimesGetsTheEventOnTheFourthAttemptWithAllHeaders() throws Exception {
    long id = IDS.incrementAndGet();
    long retried = stats.retried();
    flakyFailuresLeft.set(3);
    String body = event("PAYMENT", "Payment", id);
    assertThat(post("/callbacks/acme/" + TOKEN + "?user=alice", body)).isEqualTo(200);
    Eventually.until(vertx, "the event is delivered", 5_000,
        () -> flaky.stream().anyMatch(message -> objectId(message.body()) == id));
    assertThat(stats.retried() - retried).isEqualTo(3);
    Message<JsonObject> message = flaky.stream().filter(m -> objectId(m.body()) == id).findFirst().orElseThrow();
    assertThat(message.body()).isEqualTo(new JsonObject(body));
    assertThat(message.headers().get(CallbackHeaders.TENANT)).isEqualTo("acme");
    assertThat(message.headers().get(CallbackHeaders.USER)).isEqualTo("alice");
    assertThat(message.headers().get(CallbackHeaders.CATEGORY)).isEqualTo("PAYMENT");
    assertThat(message.headers().get(CallbackHeaders.EVENT_TYPE)).isEqualTo("PAYMENT_CREATED");
    assertThat(message.headers().get(CallbackHeaders.OBJECT_TYPE)).isEqualTo("Payment");
    assertThat(message.headers().get(Deliverer.EVENT_ID)).hasSize(32);
  }

  @Test
  void consumerThatNeverAcknowledgesLeavesADeadLetterThatReplayDelivers() throws Exception {
    long id = IDS.incrementAndGet();
    long failed = stats.failed();
    silentAcks = false;
    assertThat(post("/callbacks/acme/" + TOKEN + "?user=alice", event("MUTATION", "Payment", id))).isEqualTo(200);
    Eventually.until(vertx, "the event is a dead letter", 10_000, () -> stats.failed() > failed);
    assertThat(silent.stream().filter(message -> objectId(message.body()) == id)).hasSize(5);
    JsonArray letters = admin(new JsonObject().put("action", "list-dead-letters").put("tenant", "acme"))
        .getJsonArray("deadLetters");
    JsonObject letter = letters.stream().map(JsonObject.class::cast)
        .filter(item -> objectId(new JsonObject(item.getString("body"))) == id).findFirst().orElseThrow();
    assertThat(letter.getInteger("attempts")).isEqualTo(5);
    assertThat(letter.getJsonArray("addresses")).containsExactly("test.silent");
    assertThat(letter.getString("lastError")).contains("test.silent");

    silentAcks = true;
    JsonObject replayed = admin(new JsonObject().put("action", "replay").put("id", letter.getString("id")));
    assertThat(replayed.getInteger("replayed")).isEqualTo(1);
    Eventually.until(vertx, "the replayed event is delivered", 5_000,
        () -> silent.stream().filter(message -> objectId(message.body()) == id).count() == 6);
    Eventually.untilAsync(vertx, "nothing is pending", 5_000, AtLeastOnceDeliveryTest::nothingPending);
    assertThat(admin(new JsonObject().put("action", "list-dead-letters")).getJsonArray("deadLetters").stream()
        .map(JsonObject.class::cast).map(item -> item.getString("id"))).doesNotContain(letter.getString("id"));
    assertThat(admin(new JsonObject().put("action", "replay").put("id", letter.getString("id")))
        .getInteger("replayed")).isZero();
  }

  @Test
  void laterEventsOfAUserWaitWhileTheFirstIsRetried() throws Exception {
    orderedFailuresLeft.set(2);
    long first = IDS.addAndGet(10);
    for (long id = first; id < first + 5; id++) {
      assertThat(post("/callbacks/acme/" + TOKEN + "?user=alice", event("REQUEST", "RequestInquiry", id)))
          .isEqualTo(200);
    }
    Eventually.until(vertx, "five requests are delivered", 5_000, () -> ordered.size() == 5);
    assertThat(ordered).containsExactly(first, first + 1, first + 2, first + 3, first + 4);
  }

  @Test
  void rotatedTokenWorksAndTheOldOneStaysValidForTheGracePeriod() throws Exception {
    JsonObject rotated = admin(new JsonObject().put("action", "rotate-token").put("tenant", "rota"));
    String fresh = rotated.getString("token");
    assertThat(fresh).isNotEqualTo(ROTA_TOKEN).hasSize(48);
    assertThat(rotated.getLong("previousValidUntil")).isGreaterThan(System.currentTimeMillis());
    for (String token : List.of(fresh, ROTA_TOKEN)) {
      assertThat(post("/callbacks/rota/" + token, event("PAYMENT", "Payment", IDS.incrementAndGet())))
          .as("token " + (token.equals(fresh) ? "new" : "old")).isEqualTo(200);
    }
    TenantConfig rota = new TenantConfig("rota", "rota.json", Environment.EMULATOR, null, ROTA_TOKEN, Map.of(),
        Map.of(), false);
    CallbackTokens noGrace = new CallbackTokens(vertx, 0);
    String newest = noGrace.rotate(rota).await().getString("token");
    assertThat(noGrace.accepts(rota, newest).await()).isTrue();
    assertThat(noGrace.accepts(rota, fresh).await()).as("rotated out without grace").isFalse();
    assertThat(noGrace.accepts(rota, ROTA_TOKEN).await()).isFalse();
    assertThat(post("/callbacks/rota/" + ROTA_TOKEN, event("PAYMENT", "Payment", IDS.incrementAndGet())))
        .isEqualTo(404);
  }

  @Test
  void badAdminRequestsFailWith400NamingTheProblem() {
    assertThatThrownBy(() -> admin(new JsonObject().put("action", "explode")))
        .isInstanceOf(ReplyException.class).hasMessageContaining("unknown action 'explode'");
    assertThatThrownBy(() -> admin(new JsonObject().put("action", "rotate-token").put("tenant", "nobody")))
        .hasMessageContaining("tenant 'nobody' is not configured");
    assertThatThrownBy(() -> admin(new JsonObject().put("action", "replay")))
        .hasMessageContaining("needs the dead letter's id");
  }

  private static Future<Boolean> nothingPending() {
    return vertx.sharedData().<String, String>getAsyncMap(CallbackMaps.PENDING)
        .compose(AsyncMap::size).map(size -> size == 0);
  }
}
