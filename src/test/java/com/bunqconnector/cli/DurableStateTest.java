package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.callback.CallbackVerticle;
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
import com.bunqconnector.store.PostgresServer;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    String body = Files.readString(Path.of("src", "test", "resources", "bunq-callbacks", "DraftPayment.json"));
    TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, CALLBACK_TOKEN,
        Map.of("alice", new UserConfig("alice", null, List.of())), Map.of("DRAFT_PAYMENT", List.of("test.durable")),
        false);
    CallbackConfig defaults = CallbackConfig.defaults();
    CallbackConfig patient = new CallbackConfig(defaults.allowedNetworks(), List.of(), 60_000, 20, 60_000, 60_000,
        500, 2_000, 100, 60_000);
    try (Database database = Database.embedded(data)) {
      Vertx vertx = NodeVertx.start(node, conf, false, database, box);
      CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024, patient,
          new CallbackStats(), null);
      vertx.deployVerticle(endpoint).await(30, TimeUnit.SECONDS);
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
        vertx.deployVerticle(new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024, patient,
            new CallbackStats(), null)).await(30, TimeUnit.SECONDS);
        assertThat(delivered.future().await(30, TimeUnit.SECONDS)).isEqualTo(new JsonObject(body));
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
