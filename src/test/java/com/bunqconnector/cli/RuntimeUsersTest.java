package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.BusFailures;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.emulator.SeededUser;
import com.bunqconnector.session.RuntimeUsers;
import com.bunqconnector.store.Database;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users added to a tenant at run time with the {@code bunq.admin} actions, against the emulator over
 * real sockets: called for through {@code bunq.api}, kept sealed and durable across a full restart
 * (the context too), removed again, known to every node of a cluster, and refused with clear errors
 * when the request is wrong or its key is another user's, even one added at the same time on another
 * node. Their API keys appear in no reply and no log line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeUsersTest {

  @TempDir
  Path conf;

  private Vertx bunqVertx;
  private BunqEmulator emulator;
  private SeededUser seeded;

  @BeforeEach
  void start() throws Exception {
    bunqVertx = Vertx.vertx();
    emulator = BunqEmulator.start(bunqVertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))
        .setSeed(new EmulatorSeed(new JsonObject("{\"users\": [{\"kind\": \"person\"}, {\"kind\": \"person\"}]}"))))
        .await(30, TimeUnit.SECONDS);
    seeded = emulator.seededUsers().get(0);
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), """
        {"tenantsPollMs": 0, "pacing": {"enabled": false}, "warmup": {"enabled": false},
         "rateLimits": {"enabled": false}, "demo": {"enabled": false}}""");
    Files.writeString(conf.resolve("tenants/acme.json"), """
        {"id": "acme", "users": [{"id": "alice"}], "callbacks": {"PAYMENT": ["test.payments"]}}""");
  }

  @AfterEach
  void stop() throws Exception {
    bunqVertx.close().await(30, TimeUnit.SECONDS);
  }

  private ConnectorConfig config(Vertx vertx) throws Exception {
    return new ConfigLoader(vertx).load(conf).await(10, TimeUnit.SECONDS);
  }

  private ConnectorNode node(Vertx vertx, SecretBox box) throws Exception {
    ConnectorNode node = ConnectorNode.start(vertx, config(vertx), box, emulator.baseUrl())
        .await(30, TimeUnit.SECONDS);
    node.filtersRegistered().await(30, TimeUnit.SECONDS);
    return node;
  }

  private static Future<JsonObject> admin(Vertx vertx, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request).map(reply -> reply.body());
  }

  private JsonObject addRequest(String user) {
    return new JsonObject().put("action", "add-user").put("tenant", "acme").put("user", user)
        .put("apiKey", seeded.apiKey()).put("permittedIps", new JsonArray().add("*"));
  }

  private static long bunqUserId(Vertx vertx, String user) throws Exception {
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.API, new JsonObject().put("tenant", "acme")
        .put("user", user).put("method", "GET").put("path", "/user")).await(30, TimeUnit.SECONDS).body();
    JsonObject wrapper = reply.getJsonArray("Response").getJsonObject(0);
    return wrapper.getJsonObject(wrapper.fieldNames().iterator().next()).getLong("id");
  }

  private static JsonObject failureOf(Future<?> call) {
    Throwable failure = call.transform(done -> Future.succeededFuture(done.cause())).await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    return new JsonObject().put("code", ((ReplyException) failure).failureCode()).put("message", failure.getMessage());
  }

  /** Waits, polling on a timer, until the condition holds. */
  private static void until(Vertx vertx, String what, BooleanSupplier condition) throws Exception {
    TenantFilesTest.until(vertx, what, () -> Future.succeededFuture(condition.getAsBoolean()));
  }

  @Test
  void anAddedUserIsCalledForSurvivesAFullRestartWithItsContextAndIsRemoved() throws Exception {
    SecretBox box = SecretBox.ephemeral();
    Path data = conf.resolve("data");
    NodeConfig nodeConfig = config(bunqVertx).node();
    try (LogCapture log = new LogCapture()) {
      try (Database database = Database.embedded(data)) {
        Vertx vertx = NodeVertx.start(nodeConfig, conf, false, database, box);
        try {
          node(vertx, box);
          JsonObject added = admin(vertx, addRequest("carol")).await(30, TimeUnit.SECONDS);
          assertThat(added.getBoolean("added")).isTrue();
          assertThat(added.getJsonObject("registration").getJsonArray("registered")).containsExactly("carol");
          assertThat(bunqUserId(vertx, "carol")).isEqualTo(seeded.userId());
          String stored = vertx.sharedData().<String, String>getAsyncMap(RuntimeUsers.MAP_NAME)
              .await(10, TimeUnit.SECONDS).get("acme/carol").await(10, TimeUnit.SECONDS);
          assertThat(stored).as("sealed in the map").contains("\"user\":\"carol\"").doesNotContain(seeded.apiKey());
        } finally {
          vertx.close().await(30, TimeUnit.SECONDS);
        }
      }

      try (Database database = Database.embedded(data)) {
        Vertx vertx = NodeVertx.start(nodeConfig, conf, false, database, box);
        try {
          ConnectorNode node = node(vertx, box);
          JsonObject listed = admin(vertx, new JsonObject().put("action", "list-users").put("tenant", "acme"))
              .await(10, TimeUnit.SECONDS);
          assertThat(listed.getJsonArray("users")).containsExactly(
              new JsonObject().put("tenant", "acme").put("id", "alice").put("source", "file")
                  .put("permittedIps", new JsonArray()),
              new JsonObject().put("tenant", "acme").put("id", "carol").put("source", "runtime")
                  .put("permittedIps", new JsonArray().add("*")));
          assertThat(bunqUserId(vertx, "carol")).isEqualTo(seeded.userId());
          assertThat(node.contexts().installationsCreated()).as("no context made again after the restart").isZero();

          JsonObject removed = admin(vertx, new JsonObject().put("action", "remove-user").put("tenant", "acme")
              .put("user", "carol")).await(30, TimeUnit.SECONDS);
          assertThat(removed.getBoolean("removed")).isTrue();
          JsonObject call = BusFailures.read(vertx.eventBus().request(Addresses.API, new JsonObject()
              .put("tenant", "acme").put("user", "carol").put("method", "GET").put("path", "/user"))
              .transform(done -> Future.succeededFuture(done.cause())).await());
          assertThat(call.getString("code")).isEqualTo("unknown-user");
          assertThat(node.sessions().hasContext("acme", "carol").await(10, TimeUnit.SECONDS)).isFalse();
          assertThat(admin(vertx, new JsonObject().put("action", "list-users")).await(10, TimeUnit.SECONDS)
              .getJsonArray("users")).hasSize(1);
          assertThat(database.count(RuntimeUsers.MAP_NAME)).isZero();
        } finally {
          vertx.close().await(30, TimeUnit.SECONDS);
        }
      }
      assertThat(log.text()).contains("User acme/carol added at run time").doesNotContain(seeded.apiKey());
    }
  }

  @Test
  void wrongUserRequestsAreRefusedNamingTheProblemWithoutQuotingTheKey() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      node(vertx, SecretBox.ephemeral());
      admin(vertx, addRequest("carol")).await(30, TimeUnit.SECONDS);
      List<Object[]> cases = List.of(
          new Object[] {addRequest("dave").put("tenant", "nope"), "tenant 'nope' is not configured"},
          new Object[] {addRequest("dave").put("tenant", seeded.apiKey()), "which is not an id (not shown)"},
          new Object[] {addRequest("alice"), "user 'alice' of tenant 'acme' is in its tenant file"},
          new Object[] {addRequest("carol"), "user 'carol' was already added to tenant 'acme' at run time"},
          new Object[] {addRequest("dave"), "the apiKey is the key of user 'carol' of tenant 'acme' already"},
          new Object[] {addRequest("dave").put("apiKey", " "), "add-user needs the user's apiKey"},
          new Object[] {addRequest("dave").put("apiKey", (Object) null), "add-user needs the user's apiKey"},
          new Object[] {addRequest("dave").put("apiKey", "k".repeat(2_000_000)), "apiKey is 2000000 characters long"},
          new Object[] {addRequest(seeded.apiKey()), "add-user needs a user: an id that must be lower-case"},
          new Object[] {addRequest("dave").put("permittedIps", new JsonArray().add("300.1.1.1")),
              "permittedIps[0] must be an IPv4 address or *"},
          new Object[] {addRequest("dave").put("apikey", "x"), "add-user has no field 'apikey'"},
          new Object[] {addRequest("dave").put(seeded.apiKey(), "x"), "add-user has no field '" + seeded.apiKey()
              .substring(0, 4) + "...'"},
          new Object[] {addRequest("dave").put("action", seeded.apiKey()), "unknown action '"},
          new Object[] {addRequest("dave").put("apiKey", seeded.apiKey() + "\n"), "has white space or control"},
          new Object[] {addRequest("dave").put("apiKey", " " + seeded.apiKey()), "has white space or control"},
          new Object[] {new JsonObject().put("action", "remove-user").put("tenant", "acme").put("user", "dave"),
              "no user 'dave' was added to tenant 'acme' at run time"},
          new Object[] {new JsonObject().put("action", "remove-user").put("tenant", "acme").put("user", "alice"),
              "take it out of the file instead"},
          new Object[] {new JsonObject().put("action", "add-user").put("user", "dave").put("apiKey", "k"),
              "add-user needs a tenant"});
      for (Object[] bad : cases) {
        JsonObject failure = failureOf(admin(vertx, (JsonObject) bad[0]));
        assertThat(failure.getInteger("code")).as(bad[1].toString()).isEqualTo(400);
        assertThat(failure.getString("message")).contains((String) bad[1]).doesNotContain(seeded.apiKey());
      }
      assertThat(admin(vertx, new JsonObject().put("action", "list-users")).await(10, TimeUnit.SECONDS).encode())
          .contains("carol").doesNotContain(seeded.apiKey());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void ofTwoRemovalsOfOneUserSentTogetherOnlyOneReportsItRemoved() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      node(vertx, SecretBox.ephemeral());
      admin(vertx, addRequest("carol")).await(30, TimeUnit.SECONDS);
      JsonObject remove = new JsonObject().put("action", "remove-user").put("tenant", "acme").put("user", "carol");
      List<Future<JsonObject>> removals = List.of(admin(vertx, remove), admin(vertx, remove));
      Future.join(removals).otherwiseEmpty().await(30, TimeUnit.SECONDS);
      long reportedRemoved = removals.stream()
          .filter(r -> r.succeeded() && r.result().getBoolean("removed")).count();
      assertThat(reportedRemoved).isEqualTo(1);
      for (Future<JsonObject> other : removals) {
        if (other.failed()) {
          assertThat(other.cause()).hasMessageContaining("no user 'carol' was added to tenant 'acme' at run time");
        }
      }
      assertThat(admin(vertx, new JsonObject().put("action", "list-users")).await(10, TimeUnit.SECONDS)
          .getJsonArray("users")).hasSize(1);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Of two add-user requests for one API key under two user ids, sent together, asserts that one is
   * added and the other refused naming it, without the key; returns the added user's id.
   */
  private static String oneOfTwoAdded(Future<JsonObject> first, String firstUser, Future<JsonObject> second,
      String secondUser, String apiKey) throws Exception {
    Future.join(first, second).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    assertThat(List.of(first, second)).as("exactly one is added").filteredOn(Future::succeeded).hasSize(1);
    String added = first.succeeded() ? firstUser : secondUser;
    assertThat((first.succeeded() ? first : second).result().getBoolean("added")).isTrue();
    JsonObject refused = failureOf(first.succeeded() ? second : first);
    assertThat(refused.getInteger("code")).isEqualTo(400);
    assertThat(refused.getString("message"))
        .contains("the apiKey is the key of user '" + added + "' of tenant 'acme' already").doesNotContain(apiKey);
    return added;
  }

  /** On a node with durable state, whose map is Hazelcast's and answers later, as a cluster's does. */
  @Test
  void ofTwoUsersAddedTogetherWithOneKeyOneIsAddedAndTheOtherRefusedNamingIt() throws Exception {
    SecretBox box = SecretBox.ephemeral();
    try (Database database = Database.embedded(conf.resolve("data"))) {
      Vertx vertx = NodeVertx.start(config(bunqVertx).node(), conf, false, database, box);
      try {
        node(vertx, box);
        String added = oneOfTwoAdded(admin(vertx, addRequest("dave")), "dave", admin(vertx, addRequest("frank")),
            "frank", seeded.apiKey());
        SeededUser other = emulator.seededUsers().get(1);
        assertThat(admin(vertx, addRequest("grace").put("apiKey", other.apiKey())).await(30, TimeUnit.SECONDS)
            .getBoolean("added")).isTrue();
        assertThat(admin(vertx, new JsonObject().put("action", "list-users")).await(10, TimeUnit.SECONDS)
            .getJsonArray("users").stream().map(user -> ((JsonObject) user).getString("id")))
            .containsExactly("alice", added, "grace");
        assertThat(vertx.sharedData().<String, String>getAsyncMap(RuntimeUsers.MAP_NAME).await(10, TimeUnit.SECONDS)
            .size().await(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(claims(vertx)).as("no claim is left").isZero();
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anAddUserOfAKeyClaimedForAnotherIsRefusedNamingItAndAClaimIsGivenUpWhateverTheOutcome() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SecretBox box = SecretBox.ephemeral();
      node(vertx, box);
      RuntimeUsers users = new RuntimeUsers(vertx, box);
      RuntimeUsers.User dave = new RuntimeUsers.User("acme", "dave", seeded.apiKey(), List.of("*"));
      assertThat(failureOf(users.withKeyClaimed(dave, () -> admin(vertx, addRequest("frank")))).getString("message"))
          .contains("the apiKey is the key of user 'dave' of tenant 'acme' already (it is being added now)")
          .doesNotContain(seeded.apiKey());
      assertThat(failureOf(users.withKeyClaimed(dave, () -> admin(vertx, addRequest("dave")))).getString("message"))
          .contains("user 'dave' is being added to tenant 'acme' already");
      Future<Void> broken = users.withKeyClaimed(dave, () -> {
        throw new IllegalStateException("the work broke");
      });
      assertThat(broken.transform(done -> Future.succeededFuture(done.cause())).await(10, TimeUnit.SECONDS))
          .hasMessage("the work broke");

      assertThat(admin(vertx, addRequest("frank")).await(30, TimeUnit.SECONDS).getBoolean("added")).isTrue();
      assertThat(claims(vertx)).as("no claim is left").isZero();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static int claims(Vertx vertx) throws Exception {
    return vertx.sharedData().<String, String>getAsyncMap(RuntimeUsers.CLAIMS_MAP_NAME).await(10, TimeUnit.SECONDS)
        .size().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aTenantFileThatTakesTheIdOfAUserAddedAtRunTimeIsRejected() throws Exception {
    Files.writeString(conf.resolve("connector.json"), Files.readString(conf.resolve("connector.json"))
        .replace("\"tenantsPollMs\": 0", "\"tenantsPollMs\": 50"));
    Vertx vertx = Vertx.vertx();
    try {
      ConnectorNode node = node(vertx, SecretBox.ephemeral());
      admin(vertx, addRequest("carol")).await(30, TimeUnit.SECONDS);
      Files.writeString(conf.resolve("tenants/acme.json"), """
          {"id": "acme", "users": [{"id": "alice"}, {"id": "carol"}], "callbacks": {"PAYMENT": ["test.payments"]}}""");
      until(vertx, "the file is rejected", () -> !node.tenantWatcher().rejections().isEmpty());
      assertThat(node.tenantWatcher().rejections().values()).singleElement().asString()
          .contains("acme.json: users[1].id: 'carol' is a user added at run time");
      assertThat(bunqUserId(vertx, "carol")).isEqualTo(seeded.userId());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyNodeOfAClusterServesAnAddedUserANodeThatStartsLaterLoadsItAndTheUsersCommandManagesThem()
      throws Exception {
    TestClusters cluster = TestClusters.create();
    SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES]);
    Vertx first = cluster.join();
    Vertx second = cluster.join();
    Vertx later = null;
    try {
      node(first, box);
      ConnectorNode other = node(second, box);
      admin(first, addRequest("carol")).await(30, TimeUnit.SECONDS);
      until(first, "the other node serves carol", () -> other.tenants().get("acme").users().containsKey("carol"));
      assertThat(bunqUserId(second, "carol")).isEqualTo(seeded.userId());
      String sharedKey = "sandbox_" + "1".repeat(56);
      String raced = oneOfTwoAdded(admin(first, addRequest("frank").put("apiKey", sharedKey)), "frank",
          admin(second, addRequest("grace").put("apiKey", sharedKey)), "grace", sharedKey);
      assertThat(claims(second)).as("no claim is left").isZero();
      admin(first, new JsonObject().put("action", "remove-user").put("tenant", "acme").put("user", raced))
          .await(30, TimeUnit.SECONDS);
      until(first, "no node serves " + raced, () -> !other.tenants().get("acme").users().containsKey(raced));

      later = cluster.join();
      ConnectorNode third = node(later, box);
      assertThat(third.tenants().get("acme").users()).containsKeys("alice", "carol");
      assertThat(third.sessions().isUsable("acme", "carol").await(10, TimeUnit.SECONDS)).isTrue();

      // The command joins as a member of its own; no node starts after it (one that took the port it had just
      // left would be taken for it by the others for a while).
      Path cli = Files.createDirectories(conf.resolve("cli/tenants"));
      Files.copy(conf.resolve("tenants/acme.json"), cli.resolve("acme.json"));
      Files.writeString(cli.resolveSibling("cluster.xml"), cluster.xml());
      Files.writeString(cli.resolveSibling("connector.json"), "{\"cluster\": {\"enabled\": true}}");
      SeededUser dave = emulator.seededUsers().get(1);
      Path keyFile = Files.writeString(conf.resolve("dave.key"), dave.apiKey() + "\n");
      String cliConf = cli.getParent().toString();
      assertThat(ReplayCommandTest.run("users", "add", "--conf", cliConf, "--tenant", "acme", "--user", "dave",
          "--api-key-file", keyFile.toString(), "--permitted-ip", "*"))
          .contains("added acme/dave; callback filters registered for 1 user(s), failed for 0\n")
          .doesNotContain(dave.apiKey());
      until(first, "the other node serves dave", () -> other.tenants().get("acme").users().containsKey("dave"));
      assertThat(bunqUserId(later, "dave")).isEqualTo(dave.userId());
      Path refusedKey = Files.writeString(conf.resolve("eve.key"), "sandbox_" + "0".repeat(56));
      assertThat(ReplayCommandTest.runExiting(1, "users", "add", "--conf", cliConf, "--tenant", "acme", "--user",
          "eve", "--api-key-file", refusedKey.toString())).contains("failed for 1\n")
          .contains("registering the callback filters of acme/eve failed: ");
      ReplayCommandTest.run("users", "remove", "--conf", cliConf, "--tenant", "acme", "--user", "eve");
      assertThat(ReplayCommandTest.run("users", "list", "--conf", cliConf)).contains("acme/alice file"
          + " permittedIps=caller\nacme/carol runtime permittedIps=*\nacme/dave runtime permittedIps=*\n3 users\n");
      assertThat(ReplayCommandTest.run("users", "--conf", cliConf, "remove", "--tenant", "acme", "--user", "carol"))
          .contains("removed acme/carol\n");
      until(first, "no node serves carol", () -> !other.tenants().get("acme").users().containsKey("carol"));
    } finally {
      for (Vertx vertx : new Vertx[] {later, second, first}) {
        if (vertx != null) {
          vertx.close().await(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
