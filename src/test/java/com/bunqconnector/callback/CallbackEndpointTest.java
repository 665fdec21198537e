package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The callback endpoint over a real socket, fed with bunq's own published callback bodies and
 * with bad requests.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CallbackEndpointTest {

  private static final String TOKEN = "t0k3n-for-tests-0123456789";
  private static final List<String> FIXTURES = List.of("BunqMeTab", "ChatMessageAnnouncement", "DraftPayment",
      "MasterCardAction", "MonetaryAccountBank", "Mutation", "PaymentBatch", "RequestInquiry", "RequestResponse",
      "ScheduledInstance", "ScheduledPayment", "ShareInviteBankInquiry", "ShareInviteBankResponse");
  private static final List<String> CATEGORIES = List.of("BUNQME_TAB", "DRAFT_PAYMENT", "MUTATION", "PAYMENT",
      "REQUEST", "SCHEDULE_STATUS", "SCHEDULE_RESULT", "SHARE");

  private static Vertx vertx;
  private static WebClient web;
  private static CallbackStats stats;
  private static int port;
  private static final BlockingQueue<Message<JsonObject>> delivered = new LinkedBlockingQueue<>();

  @BeforeAll
  static void startEndpoint() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    stats = new CallbackStats();
    Map<String, List<String>> consumers = new LinkedHashMap<>();
    for (String category : CATEGORIES) {
      consumers.put(category, List.of("test." + category));
      vertx.eventBus().<JsonObject>consumer("test." + category, message -> {
        delivered.add(message);
        message.reply("ack");
      });
    }
    consumers.put("CARD_TRANSACTION_FAILED", List.of("test.refusing"));
    vertx.eventBus().consumer("test.refusing", message -> message.fail(500, "consumer is down"));
    TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN,
        Map.of("alice", new UserConfig("alice", null, List.of())), consumers, false);
    CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024,
        fastRetries(), stats, null);
    vertx.deployVerticle(endpoint).await();
    port = endpoint.actualPort();
  }

  /** Three attempts 20 ms and 40 ms apart, each with half a second to acknowledge. */
  static CallbackConfig fastRetries() {
    CallbackConfig defaults = CallbackConfig.defaults();
    return new CallbackConfig(defaults.allowedNetworks(), List.of(), 60_000, 3, 20, 100, 500, 2_000, 100, 60_000);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void emptyQueue() {
    delivered.clear();
  }

  static Stream<String> fixtures() {
    return FIXTURES.stream();
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = CallbackEndpointTest.class.getResourceAsStream("/bunq-callbacks/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<Buffer> post(String path, String body) {
    return web.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).await();
  }

  @ParameterizedTest(name = "{0}.json reaches the consumer of its category")
  @MethodSource("fixtures")
  void bunqsPublishedCallbackReachesTheConsumerForItsCategory(String name) throws Exception {
    String body = fixture(name);
    JsonObject sent = new JsonObject(body);
    String category = sent.getJsonObject("NotificationUrl").getString("category");

    HttpResponse<Buffer> response = post("/callbacks/acme/" + TOKEN + "?user=alice", body);

    assertThat(response.statusCode()).isEqualTo(200);
    Message<JsonObject> message = delivered.poll(5, TimeUnit.SECONDS);
    assertThat(message).as("delivery of " + name).isNotNull();
    assertThat(message.address()).isEqualTo("test." + category);
    assertThat(message.body()).isEqualTo(sent);
    assertThat(message.headers().get(CallbackHeaders.TENANT)).isEqualTo("acme");
    assertThat(message.headers().get(CallbackHeaders.USER)).isEqualTo("alice");
    assertThat(message.headers().get(CallbackHeaders.CATEGORY)).isEqualTo(category);
    assertThat(message.headers().get(CallbackHeaders.OBJECT_TYPE))
        .isEqualTo(sent.getJsonObject("NotificationUrl").getJsonObject("object").fieldNames().iterator().next());
    assertThat(message.headers().get(CallbackHeaders.EVENT_TYPE))
        .isEqualTo(sent.getJsonObject("NotificationUrl").getString("event_type"));
  }

  @Test
  void wrongTokenUnknownTenantAndUnknownUserGet404AndReachNobody() throws Exception {
    String body = fixture("Mutation");
    long rejected = stats.rejected();
    assertThat(post("/callbacks/acme/wrong-token-0000000000", body).statusCode()).isEqualTo(404);
    assertThat(post("/callbacks/nobody/" + TOKEN, body).statusCode()).isEqualTo(404);
    assertThat(post("/callbacks/acme/" + TOKEN + "?user=mallory", body).statusCode()).isEqualTo(404);
    assertThat(post("/callbacks/acme", body).statusCode()).isEqualTo(404);
    assertThat(stats.rejected() - rejected).isEqualTo(4);
    assertThat(delivered.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void malformedBodiesGet400NamingTheProblem() {
    String path = "/callbacks/acme/" + TOKEN;
    HttpResponse<Buffer> notJson = post(path, "{\"NotificationUrl\": ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsString()).contains("not a JSON object");
    assertThat(post(path, "[1,2]").bodyAsString()).contains("not a JSON object");
    assertThat(post(path, "{\"Payment\":{}}").bodyAsString()).contains("no NotificationUrl");
    assertThat(post(path, "{\"NotificationUrl\":{\"object\":{\"Payment\":{}}}}").bodyAsString())
        .contains("category is missing");
    assertThat(post(path, "{\"NotificationUrl\":{\"category\":\"PAYMENT\"}}").bodyAsString())
        .contains("object is missing");
    assertThat(post(path, "{\"NotificationUrl\":{\"category\":\"PAYMENT\",\"object\":{}}}").bodyAsString())
        .contains("exactly one object");
    try (LogCapture log = new LogCapture()) {
      assertThat(post(path, "{\"NotificationUrl\":{\"category\":\"PAYMENT\\nINFO forged\","
          + "\"object\":{\"Payment\":{}}}}").bodyAsString()).contains("category is not a bunq category");
      assertThat(post(path, "{\"NotificationUrl\":{\"category\":\"PAYMENT\",\"event_type\":\"X\\rY\","
          + "\"object\":{\"Payment\":{}}}}").bodyAsString()).contains("event_type is not a bunq event type");
      assertThat(post(path, "{\"NotificationUrl\":{\"category\":\"PAYMENT\",\"object\":{\"Pay\\nment\":{}}}}")
          .bodyAsString()).contains("not a bunq object type");
      assertThat(log.text()).doesNotContain("forged").doesNotContain("Pay\nment");
    }
    HttpResponse<Buffer> empty = post(path, "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.bodyAsString()).contains("body is empty");
  }

  @Test
  void formAndMultipartBodiesAreRefusedBeforeAnyDecoding() {
    HttpResponse<Buffer> form = web.post(port, "127.0.0.1", "/callbacks/acme/" + TOKEN)
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=%ZZ")).await();
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(form.bodyAsString()).contains("callbacks are JSON");
    HttpResponse<Buffer> multipart = web.post(port, "127.0.0.1", "/callbacks/acme/" + TOKEN)
        .putHeader("Content-Type", "multipart/form-data; boundary=x").sendBuffer(Buffer.buffer("--x--")).await();
    assertThat(multipart.statusCode()).isEqualTo(415);
  }

  @Test
  void malformedOrAmbiguousQueryGets400() throws Exception {
    String body = fixture("Mutation");
    assertThat(post("/callbacks/acme/" + TOKEN + "?user=%ZZ", body).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> twoUsers = post("/callbacks/acme/" + TOKEN + "?user=alice&user=mallory", body);
    assertThat(twoUsers.statusCode()).isEqualTo(400);
    assertThat(twoUsers.bodyAsString()).contains("more than one user");
    assertThat(post("/callbacks/acme/%ZZ", body).statusCode()).isEqualTo(400);
    assertThat(delivered.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void objectThatIsNotAnObjectGets400() {
    HttpResponse<Buffer> response = post("/callbacks/acme/" + TOKEN,
        "{\"NotificationUrl\":{\"category\":\"PAYMENT\",\"object\":{\"Payment\":5}}}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsString()).contains("NotificationUrl.object.Payment is not an object");
  }

  @Test
  void oversizedBodyGets413() {
    String big = "{\"NotificationUrl\":{\"category\":\"PAYMENT\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}";
    assertThat(post("/callbacks/acme/" + TOKEN, big).statusCode()).isEqualTo(413);
  }

  @Test
  void otherMethodsAreRefused() {
    int status = web.get(port, "127.0.0.1", "/callbacks/acme/" + TOKEN).send().await().statusCode();
    assertThat(status).isEqualTo(405);
  }

  @Test
  void callbackWithoutConsumerIsAcknowledgedAndCountedAsUnrouted() throws Exception {
    long unrouted = stats.unrouted();
    String body = "{\"NotificationUrl\":{\"category\":\"SUPPORT\",\"event_type\":\"X\",\"object\":{\"Chat\":{}}}}";
    assertThat(post("/callbacks/acme/" + TOKEN, body).statusCode()).isEqualTo(200);
    assertThat(stats.unrouted() - unrouted).isEqualTo(1);
  }

  @Test
  void consumerThatKeepsFailingMakesACountedDeadLetter() throws Exception {
    long failed = stats.failed();
    String body = "{\"NotificationUrl\":{\"category\":\"CARD_TRANSACTION_FAILED\","
        + "\"object\":{\"MasterCardAction\":{}}}}";
    assertThat(post("/callbacks/acme/" + TOKEN, body).statusCode()).isEqualTo(200);
    Eventually.until(vertx, "the refused callback is a dead letter", 5_000, () -> stats.failed() > failed);
    assertThat(stats.failed() - failed).isEqualTo(1);
    assertThat(stats.retried()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aClientThatGoesAwayMidBodyIsNoErrorOfOurs() throws Exception {
    long rejected = stats.rejected();
    try (LogCapture log = new LogCapture()) {
      NetSocket socket = vertx.createNetClient().connect(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
      socket.write("POST /callbacks/acme/" + TOKEN + "?user=alice HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{").await(5, TimeUnit.SECONDS);
      socket.close().await(5, TimeUnit.SECONDS);
      Eventually.until(vertx, "the cut request is counted", 5_000, () -> stats.rejected() > rejected);
      assertThat(log.text()).doesNotContain("ERROR");
    }
  }
}
