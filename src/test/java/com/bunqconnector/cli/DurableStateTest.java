package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.callback.CallbackMaps;
import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.callback.CallbackVerticle;
import com.bunqconnector.callback.Eventually;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.crypto.SealedSecretException;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.RuntimeUsers;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TestContexts;
import com.bunqconnector.store.Database;
import com.bunqconnector.store.EntryCheck;
import com.bunqconnector.store.JdbcEntryStore;
import com.bunqconnector.store.PostgresServer;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.TestClusters;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryLoader.MetadataAwareValue;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.client.WebClient;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contexts written through to the database come back when every node has stopped: on one node
 * with the embedded database, and on a cluster of two sharing a PostgreSQL database. Rows that
 * cannot be used are reported by key and skipped; the rest loads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DurableStateTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static final String CALLBACK_TOKEN = "durable-callback-token-1234";

  @TempDir
  Path conf;

  private NodeConfig node(String connectorJson) throws IOException {
    return MasterKeysTest.node(conf, connectorJson);
  }

  private static SessionContext context(String user) {
    return TestContexts.complete(user);
  }

  /** A context as another node's master key sealed it, as the map holds it. */
  private static String sealedElsewhere(String user) {
    Vertx vertx = Vertx.vertx();
    try {
      new SessionStore(vertx, SecretBox.ephemeral()).put(context(user)).await();
      return vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await()
          .get(SessionContext.key("acme", user)).await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void restartedNodeLoadsItsContextsAndSkipsRowsItCannotUse() throws Exception {
    NodeConfig node = node("{}");
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      SessionStore store = new SessionStore(vertx, box);
      for (String user : List.of("alice", "bob", "carol")) {
        store.put(context(user)).await(10, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    String foreign = sealedElsewhere("mallory");
    try (Database database = Database.embedded(data)) {
      database.mapStore(SessionStore.MAP_NAME, EntryCheck.ANY).store("acme/broken", "{not json");
      database.mapStore(SessionStore.MAP_NAME, EntryCheck.ANY).store("acme/mallory", foreign);
    }

    try (Database database = Database.embedded(data); LogCapture log = new LogCapture()) {
      SessionStore.checkMasterKey(box, database.sample(SessionStore.MAP_NAME, 20),
          database.count(SessionStore.MAP_NAME));
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        SessionStore store = new SessionStore(vertx, box);
        assertThat(store.size().await(10, TimeUnit.SECONDS)).as("loaded eagerly, bad rows skipped").isEqualTo(3);
        SessionContext alice = store.get("acme/alice").await(10, TimeUnit.SECONDS);
        assertThat(alice.sessionToken()).isEqualTo("c3".repeat(32));
        assertThat(alice.apiKey()).isEqualTo("sandbox_" + "a1".repeat(28));
        assertThat(alice.clientPrivateKey()).isEqualTo(TestContexts.KEYS.getPrivate());
        assertThat(store.get("acme/broken").await(10, TimeUnit.SECONDS)).isNull();
        assertThat(store.get("acme/mallory").await(10, TimeUnit.SECONDS)).isNull();
        assertThat(log.text()).contains("Skipped the stored entry acme/broken of bunq.sessions", "is damaged")
            .contains("Skipped the stored entry acme/mallory of bunq.sessions", "does not open with master key "
                + box.fingerprint());
        assertThat(log.text()).doesNotContain(foreign);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private static TenantConfig acme(String consumer) {
    return new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, CALLBACK_TOKEN,
        Map.of("alice", new UserConfig("alice", null, List.of())), Map.of("*", List.of(consumer)), false);
  }

  /** Patient delivery (20 attempts a minute apart) with the dedupe window and token grace given. */
  private static CallbackConfig callbacks(long dedupeWindowMs, long tokenGraceMs) {
    return new CallbackConfig(CallbackConfig.defaults().allowedNetworks(), List.of(), dedupeWindowMs, 20, 60_000,
        60_000, 500, 2_000, 100, tokenGraceMs);
  }

  /** Deploys the callback endpoint of tenant acme, whose callbacks all go to {@code consumer}. */
  private static CallbackVerticle deploy(Vertx vertx, String consumer, CallbackConfig config, CallbackStats stats)
      throws Exception {
    CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme(consumer)), "127.0.0.1", 0, 64 * 1024,
        config, stats, null);
    vertx.deployVerticle(endpoint).await(30, TimeUnit.SECONDS);
    return endpoint;
  }

  private static String callback(String name) throws IOException {
    return Files.readString(Path.of("src", "test", "resources", "bunq-callbacks", name));
  }

  private static int post(Vertx vertx, int port, String body) throws Exception {
    return post(vertx, port, CALLBACK_TOKEN, body);
  }

  private static int post(Vertx vertx, int port, String token, String body) throws Exception {
    return WebClient.create(vertx).post(port, "127.0.0.1", "/callbacks/acme/" + token + "?user=alice")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS)
        .statusCode();
  }

  private static void nothingPending(Vertx vertx) throws Exception {
    Eventually.untilAsync(vertx, "nothing is pending", 20_000, () -> vertx.sharedData()
        .<String, String>getAsyncMap(CallbackMaps.PENDING).compose(AsyncMap::size).map(size -> size == 0));
  }

  /** The moment Hazelcast lets the entry of {@code map} under {@code key} expire. */
  private static long expiration(Vertx vertx, String map, String key) {
    HazelcastInstance hazelcast = ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
        .getHazelcastInstance();
    return hazelcast.getMap(map).getEntryView(key).getExpirationTime();
  }

  @Test
  void aDeliveredEventTheStoreCannotForgetIsRetriedThereNotDeliveredAgain() throws Exception {
    NodeConfig node = node("{}");
    CallbackConfig quick = new CallbackConfig(CallbackConfig.defaults().allowedNetworks(), List.of(), 60_000, 20, 20,
        100, 500, 2_000, 100, 0);
    Database database = Database.embedded(conf.resolve("data"));
    Vertx vertx = NodeVertx.start(node, conf, false, database, SecretBox.ephemeral());
    AtomicInteger deliveries = new AtomicInteger();
    try (LogCapture log = new LogCapture()) {
      vertx.eventBus().consumer("test.forget", message -> {
        deliveries.incrementAndGet();
        database.close();
        message.reply("ack");
      }).completion().await(10, TimeUnit.SECONDS);
      CallbackVerticle endpoint = deploy(vertx, "test.forget", quick, new CallbackStats());
      assertThat(post(vertx, endpoint.actualPort(), callback("Mutation.json"))).isEqualTo(200);
      Eventually.until(vertx, "the removal was tried eight times", 20_000,
          () -> log.text().contains("from the pending map (try 8)"));
      assertThat(deliveries).as("sweeps ran meanwhile; none delivered it again").hasValue(1);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void usersAddedAtRunTimeComeBackSealedAndRowsTheKeyDoesNotOpenAreSkipped() throws Exception {
    NodeConfig node = node("{}");
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    String apiKey = "sandbox_" + "b2".repeat(28);
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      new RuntimeUsers(vertx, box).add(new RuntimeUsers.User("acme", "carol", apiKey, List.of("*")))
          .await(10, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    String foreign;
    Vertx other = Vertx.vertx();
    try {
      new RuntimeUsers(other, SecretBox.ephemeral()).add(new RuntimeUsers.User("acme", "mallory", apiKey, List.of()))
          .await(10, TimeUnit.SECONDS);
      foreign = other.sharedData().<String, String>getAsyncMap(RuntimeUsers.MAP_NAME).await().get("acme/mallory")
          .await();
    } finally {
      other.close().await();
    }
    try (Database database = Database.embedded(data)) {
      database.mapStore(RuntimeUsers.MAP_NAME, EntryCheck.ANY).store("acme/mallory", foreign);
      database.mapStore(RuntimeUsers.MAP_NAME, EntryCheck.ANY).store("acme/broken", "{\"tenant\":\"acme\"}");
      assertThat(database.sample(RuntimeUsers.MAP_NAME, 10).values()).noneMatch(row -> row.contains(apiKey));
    }

    try (Database database = Database.embedded(data); LogCapture log = new LogCapture()) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        List<RuntimeUsers.User> users = new RuntimeUsers(vertx, box).all().await(10, TimeUnit.SECONDS);
        assertThat(users).containsExactly(new RuntimeUsers.User("acme", "carol", apiKey, List.of("*")));
        assertThat(log.text()).contains("Skipped the stored entry acme/mallory of bunq.users",
            "does not open with master key " + box.fingerprint())
            .contains("Skipped the stored entry acme/broken of bunq.users", "is damaged")
            .doesNotContain(apiKey);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void acceptedCallbackThatNoConsumerTookSurvivesAFullRestartAndIsDeliveredAfterIt() throws Exception {
    NodeConfig node = node("{}");
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    String body = callback("DraftPayment.json");
    CallbackConfig patient = callbacks(60_000, 60_000);
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      CallbackVerticle endpoint = deploy(vertx, "test.durable", patient, new CallbackStats());
      int status = WebClient.create(vertx).post(endpoint.actualPort(), "127.0.0.1", "/callbacks/acme/"
          + CALLBACK_TOKEN + "?user=alice").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS).statusCode();
      assertThat(status).as("acknowledged to bunq: stored").isEqualTo(200);
      vertx.close().await(30, TimeUnit.SECONDS);
    }

    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        Promise<JsonObject> delivered = Promise.promise();
        vertx.eventBus().<JsonObject>consumer("test.durable", message -> {
          message.reply("ack");
          delivered.tryComplete(message.body());
        });
        deploy(vertx, "test.durable", patient, new CallbackStats());
        assertThat(delivered.future().await(30, TimeUnit.SECONDS)).isEqualTo(new JsonObject(body));
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void dedupeKeysOutliveAFullRestartForTheirWindowAndThenExpire() throws Exception {
    NodeConfig node = node("{}");
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    String early = callback("DraftPayment.json");
    String recent = callback("Mutation.json");
    CallbackConfig hourWindow = callbacks(3_600_000, 60_000);
    String earlyId;
    String recentId;
    long recentExpiry;
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        vertx.eventBus().consumer("test.dedupe", message -> message.reply("ack"));
        CallbackVerticle endpoint = deploy(vertx, "test.dedupe", hourWindow, new CallbackStats());
        assertThat(post(vertx, endpoint.actualPort(), early)).isEqualTo(200);
        earlyId = database.sample(CallbackMaps.DEDUPE, 10).keySet().iterator().next();
        assertThat(post(vertx, endpoint.actualPort(), recent)).isEqualTo(200);
        Set<String> keys = new HashSet<>(database.sample(CallbackMaps.DEDUPE, 10).keySet());
        assertThat(keys).as("both keys written through").hasSize(2);
        keys.remove(earlyId);
        recentId = keys.iterator().next();
        recentExpiry = expiration(vertx, CallbackMaps.DEDUPE, recentId);
        assertThat(recentExpiry).isGreaterThan(System.currentTimeMillis() + 3_500_000);
        nothingPending(vertx);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
      JdbcEntryStore dedupe = database.entryStore(CallbackMaps.DEDUPE, EntryCheck.ANY);
      assertThat(dedupe.load(recentId).getExpirationTime()).as("the row keeps the entry's expiry (Hazelcast"
          + " counts it in whole seconds)").isCloseTo(recentExpiry, within(1_000L));
      dedupe.store(earlyId, new MetadataAwareValue<>("0", System.currentTimeMillis() - 1));
    }

    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        assertThat(database.count(CallbackMaps.DEDUPE)).as("the expired row is deleted at load").isEqualTo(1);
        assertThat(expiration(vertx, CallbackMaps.DEDUPE, recentId)).as("what remained of the window")
            .isCloseTo(recentExpiry, within(1_000L));
        Promise<JsonObject> delivered = Promise.promise();
        vertx.eventBus().<JsonObject>consumer("test.dedupe", message -> {
          message.reply("ack");
          delivered.tryComplete(message.body());
        });
        CallbackStats stats = new CallbackStats();
        CallbackVerticle endpoint = deploy(vertx, "test.dedupe", hourWindow, stats);
        assertThat(post(vertx, endpoint.actualPort(), recent)).isEqualTo(200);
        assertThat(stats.duplicates()).as("the recent event within its window").isEqualTo(1);
        assertThat(post(vertx, endpoint.actualPort(), early)).isEqualTo(200);
        assertThat(stats.received()).as("the early event, its window over").isEqualTo(1);
        assertThat(delivered.future().await(30, TimeUnit.SECONDS)).isEqualTo(new JsonObject(early));
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRotatedCallbackTokenAndItsGraceSurviveAFullRestartSealedInTheDatabase() throws Exception {
    NodeConfig node = node("{}");
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    CallbackConfig hourGrace = callbacks(60_000, 3_600_000);
    String fresh;
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        deploy(vertx, "test.tokens", hourGrace, new CallbackStats());
        fresh = vertx.eventBus().<JsonObject>request(Addresses.ADMIN, new JsonObject().put("action", "rotate-token")
            .put("tenant", "acme")).await(30, TimeUnit.SECONDS).body().getString("token");
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
      Map<String, String> rows = database.sample(CallbackMaps.TOKENS, 10);
      assertThat(rows).containsOnlyKeys("acme");
      assertThat(rows.get("acme")).startsWith("v1:").doesNotContain(fresh, CALLBACK_TOKEN);
    }
    String file = new String(Files.readAllBytes(data.resolve(Database.EMBEDDED_NAME + ".mv.db")),
        StandardCharsets.ISO_8859_1);
    assertThat(file).as("no token in clear anywhere in the database file").doesNotContain(fresh, CALLBACK_TOKEN);

    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      try {
        vertx.eventBus().consumer("test.tokens", message -> message.reply("ack"));
        CallbackVerticle endpoint = deploy(vertx, "test.tokens", hourGrace, new CallbackStats());
        int port = endpoint.actualPort();
        assertThat(post(vertx, port, fresh, callback("Mutation.json"))).as("the rotated-in token").isEqualTo(200);
        assertThat(post(vertx, port, CALLBACK_TOKEN, callback("DraftPayment.json"))).as("the old one, in grace")
            .isEqualTo(200);
        assertThat(post(vertx, port, "wrong-" + CALLBACK_TOKEN, callback("BunqMeTab.json"))).isEqualTo(404);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMasterKeyThatOpensNoStoredContextIsRefusedBeforeAnythingLoads() throws Exception {
    Path data = conf.resolve("data");
    try (Database database = Database.embedded(data)) {
      database.mapStore(SessionStore.MAP_NAME, EntryCheck.ANY).store("acme/alice", sealedElsewhere("alice"));
      database.mapStore(SessionStore.MAP_NAME, EntryCheck.ANY).store("acme/broken", "{not json");
      SecretBox box = SecretBox.ephemeral();
      assertThatThrownBy(() -> SessionStore.checkMasterKey(box, database.sample(SessionStore.MAP_NAME, 20),
          database.count(SessionStore.MAP_NAME)))
          .isInstanceOf(SealedSecretException.class)
          .hasMessage("the master key " + box.fingerprint() + " opens none of the 1 stored contexts tried (of 2):"
              + " start the node with the key they were sealed with");
    }
  }

  @Test
  void contextsOfATwoNodeClusterOnPostgresqlComeBackAfterBothStopped() throws Exception {
    String url = POSTGRES.newDatabase();
    String clusterXml = TestClusters.create().xml();
    Files.writeString(conf.resolve("cluster.xml"), clusterXml);
    NodeConfig node = node("{\"cluster\":{\"enabled\":true},\"store\":{\"type\":\"postgresql\",\"url\":\"" + url
        + "\",\"user\":\"" + PostgresServer.USER + "\"}}");
    SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES]);
    try (Database one = Database.postgresql(url, PostgresServer.USER, "");
        Database two = Database.postgresql(url, PostgresServer.USER, "")) {
      Vertx first = NodeVertx.start(node, conf, true, one, box);
      Vertx second = NodeVertx.start(node, conf, true, two, box);
      try {
        for (int i = 0; i < 10; i++) {
          Vertx writer = i % 2 == 0 ? first : second;
          new SessionStore(writer, box).put(context("user" + i)).await(30, TimeUnit.SECONDS);
        }
        assertThat(new SessionStore(first, box).get("acme/user1").await(30, TimeUnit.SECONDS)).isNotNull();
        assertThat(one.count(SessionStore.MAP_NAME)).as("written through by both members").isEqualTo(10);
      } finally {
        second.close().await(30, TimeUnit.SECONDS);
        first.close().await(30, TimeUnit.SECONDS);
      }
    }
    try (Database fresh = Database.postgresql(url, PostgresServer.USER, "")) {
      Vertx vertx = NodeVertx.start(node, conf, true, fresh, box);
      try {
        SessionStore store = new SessionStore(vertx, box);
        assertThat(store.size().await(30, TimeUnit.SECONDS)).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
          assertThat(store.get("acme/user" + i).await(30, TimeUnit.SECONDS).sessionToken()).isEqualTo("c3".repeat(32));
        }
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }
}
