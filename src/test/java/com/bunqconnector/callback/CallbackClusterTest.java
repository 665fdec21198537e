package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two connector nodes in a real Hazelcast cluster on 127.0.0.1 (conf/cluster.xml with a cluster
 * name of their own), each with its callback endpoint: bunq's retries of one event spread over both
 * nodes reach the consumer once, one user's events accepted by either node are delivered in arrival
 * order (the node holding the user's lease delivers them all), an event's failed attempts and the
 * consumers that acknowledged it are kept in its pending entry for the node that delivers it next, and an
 * event acknowledged to bunq by a node that then dies is delivered by the other. The last test stops the
 * first node, so the order is fixed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallbackClusterTest {

  private static final String TOKEN = "cluster-token-0123456789abcdef";

  /** Deliveries tried per event before it becomes a dead letter. */
  private static final int ATTEMPTS = 6;

  /** One node: its Vert.x, endpoint port and counters. */
  private record Node(Vertx vertx, int port, CallbackStats stats) {
  }

  private static Vertx client;
  private static WebClient web;
  private static Node first;
  private static Node second;
  private static boolean firstStopped;

  @BeforeAll
  static void start() throws Exception {
    client = Vertx.vertx();
    web = WebClient.create(client);
    TestClusters cluster = TestClusters.create();
    first = node(cluster);
    second = node(cluster);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Node node : new Node[] {second, firstStopped ? null : first}) {
      if (node != null) {
        node.vertx().close().await(30, TimeUnit.SECONDS);
      }
    }
    if (client != null) {
      client.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Node node(TestClusters cluster) throws Exception {
    Vertx vertx = cluster.join();
    TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN,
        Map.of("alice", new UserConfig("alice", null, List.of()), "bob", new UserConfig("bob", null, List.of())),
        Map.of("PAYMENT", List.of("test.cluster.payments"), "MUTATION", List.of("test.cluster.late"),
            "REQUEST", List.of("test.cluster.ordered"), "BUNQ_ME_TAB", List.of("test.cluster.ok", "test.cluster.bad")),
        false);
    CallbackConfig defaults = CallbackConfig.defaults();
    CallbackConfig config = new CallbackConfig(defaults.allowedNetworks(), List.of(), 60_000, ATTEMPTS, 100, 300,
        1_000, 1_500, 200, 60_000);
    CallbackStats stats = new CallbackStats();
    CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024, config,
        stats, null);
    vertx.deployVerticle(endpoint).await(30, TimeUnit.SECONDS);
    return new Node(vertx, endpoint.actualPort(), stats);
  }

  private static Future<Integer> post(Node node, String body) {
    return post(node, "alice", body);
  }

  private static Future<Integer> post(Node node, String user, String body) {
    return web.post(node.port(), "127.0.0.1", "/callbacks/acme/" + TOKEN + "?user=" + user)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body))
        .map(response -> response.statusCode());
  }

  private static Future<Boolean> nothingPending(Node node) {
    return node.vertx().sharedData().<String, String>getAsyncMap(CallbackMaps.PENDING)
        .compose(AsyncMap::size).map(size -> size == 0);
  }

  @Test
  @Order(1)
  void sameEventSixTimesAcrossTwoNodesReachesTheConsumerOnce() throws Exception {
    Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
    second.vertx().eventBus().<JsonObject>consumer("test.cluster.payments", message -> {
      received.add(message.body());
      message.reply("ack");
    }).completion().await(10, TimeUnit.SECONDS);
    String body = AtLeastOnceDeliveryTest.event("PAYMENT", "Payment", 42);
    List<Future<Integer>> posts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      posts.add(post(i % 2 == 0 ? first : second, body));
    }
    Future.all(posts).await(30, TimeUnit.SECONDS);
    assertThat(posts).allSatisfy(status -> assertThat(status.result()).isEqualTo(200));

    Eventually.until(client, "one node delivered the event", 20_000,
        () -> first.stats().delivered() + second.stats().delivered() == 1);
    Eventually.untilAsync(client, "nothing is pending", 20_000, () -> nothingPending(second));
    assertThat(received).hasSize(1);
    assertThat(first.stats().received() + second.stats().received()).isEqualTo(1);
    assertThat(first.stats().duplicates() + second.stats().duplicates()).isEqualTo(5);
  }

  @Test
  @Order(2)
  void oneUsersEventsAcceptedByBothNodesAreDeliveredInArrivalOrder() throws Exception {
    Queue<Long> received = new ConcurrentLinkedQueue<>();
    AtomicInteger failuresLeft = new AtomicInteger(2);
    second.vertx().eventBus().<JsonObject>consumer("test.cluster.ordered", message -> {
      if (received.isEmpty() && failuresLeft.getAndDecrement() > 0) {
        message.fail(503, "not yet");
      } else {
        received.add(AtLeastOnceDeliveryTest.objectId(message.body()));
        message.reply("ack");
      }
    }).completion().await(10, TimeUnit.SECONDS);
    List<Node> nodes = List.of(first, second, second, first, second, first);
    for (int i = 0; i < nodes.size(); i++) {
      String body = AtLeastOnceDeliveryTest.event("REQUEST", "RequestInquiry", 100 + i);
      assertThat(post(nodes.get(i), "bob", body).await(30, TimeUnit.SECONDS)).isEqualTo(200);
    }
    Eventually.until(client, "six requests are delivered", 20_000, () -> received.size() == 6);
    assertThat(received).containsExactly(100L, 101L, 102L, 103L, 104L, 105L);
  }

  @Test
  @Order(3)
  void theAttemptCountAndTheAcknowledgedConsumersOfAnEventGoWithItToTheNodeThatDeliversItNext() throws Exception {
    AtomicInteger acks = new AtomicInteger();
    AtomicInteger refusals = new AtomicInteger();
    second.vertx().eventBus().consumer("test.cluster.ok", message -> {
      acks.incrementAndGet();
      message.reply("ack");
    }).completion().await(10, TimeUnit.SECONDS);
    second.vertx().eventBus().consumer("test.cluster.bad", message -> {
      refusals.incrementAndGet();
      message.fail(503, "not today");
    }).completion().await(10, TimeUnit.SECONDS);
    AsyncMap<String, String> pending = first.vertx().sharedData().<String, String>getAsyncMap(CallbackMaps.PENDING)
        .await(10, TimeUnit.SECONDS);
    AsyncMap<String, String> dead = first.vertx().sharedData()
        .<String, String>getAsyncMap(CallbackMaps.DEAD_LETTERS).await(10, TimeUnit.SECONDS);

    assertThat(post(first, AtLeastOnceDeliveryTest.event("BUNQ_ME_TAB", "BunqMeTab", 44)).await(30, TimeUnit.SECONDS))
        .isEqualTo(200);
    Eventually.untilAsync(client, "a failed attempt is recorded in the pending entry", 20_000, () -> pending.values()
        .map(values -> values.stream().map(JsonObject::new).anyMatch(entry -> entry.getInteger("attempts", 0) > 0
            && entry.getJsonArray("acked", new JsonArray()).contains("test.cluster.ok"))));

    JsonObject entry = new JsonObject().put("id", "taken-over").put("tenant", "acme").put("user", "dave")
        .put("category", "BUNQ_ME_TAB").put("eventType", "BUNQ_ME_TAB_CREATED").put("objectType", "BunqMeTab")
        .put("seq", first.vertx().sharedData().getCounter(CallbackMaps.SEQUENCE).compose(Counter::incrementAndGet)
            .await(10, TimeUnit.SECONDS))
        .put("receivedAt", 0L).put("body", AtLeastOnceDeliveryTest.event("BUNQ_ME_TAB", "BunqMeTab", 45))
        .put("attempts", ATTEMPTS - 2).put("acked", new JsonArray().add("test.cluster.ok"));
    Eventually.untilAsync(client, "the live event is a dead letter", 20_000, () -> dead.size().map(size -> size == 1));
    assertThat(acks.get()).as("acknowledged once, not on every retry").isEqualTo(1);
    int acksBefore = acks.get();
    int refusalsBefore = refusals.get();
    pending.put("taken-over", entry.encode()).await(10, TimeUnit.SECONDS);
    Eventually.untilAsync(client, "the event left by a node is a dead letter", 20_000,
        () -> dead.get("taken-over").map(letter -> letter != null));

    JsonObject letter = new JsonObject(dead.get("taken-over").await(10, TimeUnit.SECONDS));
    assertThat(letter.getInteger("attempts")).isEqualTo(ATTEMPTS);
    assertThat(letter.getJsonArray("addresses")).containsExactly("test.cluster.bad");
    assertThat(letter.containsKey("acked")).isFalse();
    assertThat(refusals.get() - refusalsBefore).as("only the attempts left").isEqualTo(2);
    assertThat(acks.get() - acksBefore).as("the consumer that acknowledged is not sent it again").isZero();
  }

  @Test
  @Order(4)
  void eventAcknowledgedByANodeThatDiesIsDeliveredByTheOther() throws Exception {
    String body = AtLeastOnceDeliveryTest.event("MUTATION", "Payment", 43);
    long deliveredBefore = second.stats().delivered();
    assertThat(post(first, body).await(30, TimeUnit.SECONDS)).isEqualTo(200);
    first.vertx().close().await(60, TimeUnit.SECONDS);
    firstStopped = true;

    Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
    second.vertx().eventBus().<JsonObject>consumer("test.cluster.late", message -> {
      received.add(message.body());
      message.reply("ack");
    }).completion().await(10, TimeUnit.SECONDS);
    Eventually.until(client, "the surviving node delivered the event", 30_000, () -> !received.isEmpty());
    assertThat(received.peek()).isEqualTo(new JsonObject(body));
    assertThat(second.stats().delivered() - deliveredBefore).isEqualTo(1);
    Eventually.untilAsync(client, "nothing is pending", 20_000, () -> nothingPending(second));
    assertThat(received).hasSize(1);
  }
}
