package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.BusFailures;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.UserSpec;
import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant files changed while a node runs against the emulator, over real sockets: an added file is
 * served with its filters, a changed one changes users, credentials, filters and consumers, a removed
 * user or file stops being served and loses its filters at bunq, and a bad file changes nothing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TenantFilesTest {

  private static final long WAIT_MS = 20_000;

  @TempDir
  Path conf;

  private Vertx vertx;
  private BunqEmulator emulator;
  private ConnectorNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), """
        {"tenantsPollMs": 50, "pacing": {"enabled": false}, "warmup": {"enabled": false},
         "rateLimits": {"enabled": false},
         "demo": {"enabled": false}}""");
    writeAcme("[{\"id\": \"alice\"}]", "\"PAYMENT\": [\"test.payments\"]");
    ConnectorConfig config = new ConfigLoader(vertx).load(conf).await(10, TimeUnit.SECONDS);
    node = ConnectorNode.start(vertx, config, SecretBox.ephemeral(), emulator.baseUrl()).await(30, TimeUnit.SECONDS);
    node.filtersRegistered().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private void writeAcme(String users, String callbacks) throws Exception {
    Files.writeString(conf.resolve("tenants/acme.json"), "{\"id\": \"acme\", \"users\": " + users
        + ", \"callbacks\": {" + callbacks + "}}");
  }

  private Future<JsonObject> api(String tenant, String user, String method, String path) {
    return vertx.eventBus().<JsonObject>request(Addresses.API, new JsonObject().put("tenant", tenant)
        .put("user", user).put("method", method).put("path", path)).map(reply -> reply.body());
  }

  /** The categories of this connector's filters of a tenant that bunq holds for the user. */
  private Future<List<String>> ourCategories(String tenant, String user) {
    return api(tenant, user, "GET", "/user/{userId}/notification-filter-url").map(reply -> reply
        .getJsonArray("Response").stream()
        .map(item -> ((JsonObject) item).getJsonObject("NotificationFilterUrl"))
        .filter(filter -> filter.getString("notification_target").contains("/callbacks/" + tenant + "/"))
        .map(filter -> filter.getString("category")).sorted().toList());
  }

  private Future<Long> bunqUserId(String tenant, String user) {
    return api(tenant, user, "GET", "/user").map(reply -> {
      JsonObject wrapper = reply.getJsonArray("Response").getJsonObject(0);
      return wrapper.getJsonObject(wrapper.fieldNames().iterator().next()).getLong("id");
    });
  }

  private void until(String what, Supplier<Future<Boolean>> condition) throws Exception {
    until(vertx, what, condition);
  }

  /** Waits, polling on a timer, until the condition's future holds true (a failed one counts as false). */
  static void until(Vertx vertx, String what, Supplier<Future<Boolean>> condition) throws Exception {
    Promise<Void> met = Promise.promise();
    long deadline = System.currentTimeMillis() + WAIT_MS;
    poll(vertx, what, deadline, condition, met);
    met.future().await(WAIT_MS + 5_000, TimeUnit.MILLISECONDS);
  }

  private static void poll(Vertx vertx, String what, long deadline, Supplier<Future<Boolean>> condition,
      Promise<Void> met) {
    condition.get().otherwise(false).onSuccess(holds -> {
      if (holds) {
        met.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        met.tryFail(new AssertionError("timed out after " + WAIT_MS + " ms waiting until " + what));
      } else {
        vertx.setTimer(20, id -> poll(vertx, what, deadline, condition, met));
      }
    });
  }

  private static JsonObject failureOf(Future<?> call) {
    Throwable failure = call.transform(done -> Future.succeededFuture(done.cause())).await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    return BusFailures.read(failure);
  }

  @Test
  void anAddedFileIsServedWithItsFiltersAndARemovedOneIsNotServedAnyMore() throws Exception {
    Files.writeString(conf.resolve("tenants/globex.json"), """
        {"id": "globex", "users": [{"id": "dave"}], "callbacks": {"MUTATION": ["test.mutations"]}}""");
    until("globex/dave has this connector's MUTATION filter",
        () -> ourCategories("globex", "dave").map(List.of("MUTATION")::equals));
    assertThat(node.tenants()).containsKeys("acme", "globex");

    Files.delete(conf.resolve("tenants/globex.json"));
    until("globex is no longer served", () -> Future.succeededFuture(!node.tenants().containsKey("globex")));
    until("dave's calls fail", () -> api("globex", "dave", "GET", "/user").transform(done ->
        Future.succeededFuture(done.failed())));
    JsonObject failure = failureOf(api("globex", "dave", "GET", "/user"));
    assertThat(failure.getString("code")).isEqualTo("unknown-user");
    assertThat(failure.getJsonArray("error_description").getString(0)).isEqualTo("no user 'dave' in tenant 'globex'");
    assertThat(node.filters().register(node.tenants().get("acme"), "alice").await(10, TimeUnit.SECONDS))
        .as("the other tenant carries on").isEqualTo(1);
  }

  @Test
  void aChangedFileChangesUsersFiltersAndConsumersAndARemovedUserLosesItsFilters() throws Exception {
    assertThat(ourCategories("acme", "alice").await(10, TimeUnit.SECONDS)).containsExactly("PAYMENT");
    Promise<JsonObject> delivered = Promise.promise();
    vertx.eventBus().<JsonObject>consumer("test.new-payments", message -> {
      message.reply("ack");
      delivered.tryComplete(message.body());
    }).completion().await(10, TimeUnit.SECONDS);

    writeAcme("[{\"id\": \"alice\"}, {\"id\": \"bob\"}]",
        "\"PAYMENT\": [\"test.new-payments\"], \"MUTATION\": [\"test.mutations\"]");
    until("alice has filters for both categories",
        () -> ourCategories("acme", "alice").map(List.of("MUTATION", "PAYMENT")::equals));
    until("bob, added, has filters for both categories",
        () -> ourCategories("acme", "bob").map(List.of("MUTATION", "PAYMENT")::equals));

    String url = node.filters().callbackUrl(node.tenants().get("acme"), "alice").await(10, TimeUnit.SECONDS);
    String event = new JsonObject().put("NotificationUrl", new JsonObject().put("category", "PAYMENT")
        .put("event_type", "PAYMENT_CREATED").put("object", new JsonObject().put("Payment", new JsonObject()
            .put("id", 4711).put("created", "2026-12-04 01:00:00.000000")))).encode();
    int status = WebClient.create(vertx).postAbs(url).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(event)).await(10, TimeUnit.SECONDS).statusCode();
    assertThat(status).isEqualTo(200);
    assertThat(delivered.future().await(10, TimeUnit.SECONDS)).as("delivered to the new consumer address")
        .isEqualTo(new JsonObject(event));

    try (LogCapture log = new LogCapture()) {
      writeAcme("[{\"id\": \"bob\"}]", "\"PAYMENT\": [\"test.new-payments\"]");
      until("alice's calls fail", () -> api("acme", "alice", "GET", "/user").transform(done ->
          Future.succeededFuture(done.failed())));
      assertThat(failureOf(api("acme", "alice", "GET", "/user")).getString("code")).isEqualTo("unknown-user");
      until("bob's MUTATION filter is gone", () -> ourCategories("acme", "bob").map(List.of("PAYMENT")::equals));
      assertThat(log.text()).contains("Tenant acme changed from");
    }
    // Back as the test's own user, alice shows what bunq holds for her now: none of this connector's filters.
    node.sessions().register(new UserSpec("acme", "alice", emulator.baseUrl(), null, List.of(), true, false,
        "emulator " + emulator.baseUrl()));
    assertThat(ourCategories("acme", "alice").await(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aChangedApiKeyOrPermittedIpsGivesTheUserANewContext() throws Exception {
    writeAcme("[{\"id\": \"alice\"}, {\"id\": \"bob\"}]", "\"PAYMENT\": [\"test.payments\"]");
    until("bob is served", () -> api("acme", "bob", "GET", "/user").map(true));
    long bob = bunqUserId("acme", "bob").await(10, TimeUnit.SECONDS);
    long alice = bunqUserId("acme", "alice").await(10, TimeUnit.SECONDS);
    assertThat(alice).isNotEqualTo(bob);
    String bobsKey = node.store().get("acme/bob").await(10, TimeUnit.SECONDS).apiKey();

    try (LogCapture log = new LogCapture()) {
      writeAcme("[{\"id\": \"alice\", \"apiKey\": \"" + bobsKey + "\"}, {\"id\": \"bob\"}]",
          "\"PAYMENT\": [\"test.payments\"]");
      until("alice calls bunq as the user of her new key",
          () -> bunqUserId("acme", "alice").map(id -> id == bob));
      assertThat(log.text()).contains("The stored bunq context of acme/alice was made with other credentials")
          .doesNotContain(bobsKey);
    }
    long installations = node.contexts().installationsCreated();
    writeAcme("[{\"id\": \"alice\", \"apiKey\": \"" + bobsKey + "\", \"permittedIps\": [\"127.0.0.1\"]},"
        + " {\"id\": \"bob\"}]", "\"PAYMENT\": [\"test.payments\"]");
    until("alice's context is made again for her permitted IPs",
        () -> bunqUserId("acme", "alice").map(id -> node.contexts().installationsCreated() > installations));
  }

  @Test
  void aChangedCallbackTokenRegistersTheFiltersAgainWithTheClustersToken() throws Exception {
    try (LogCapture log = new LogCapture()) {
      Files.writeString(conf.resolve("tenants/acme.json"), """
          {"id": "acme", "callbackToken": "changed-token-0123456789", "users": [{"id": "alice"}],
           "callbacks": {"PAYMENT": ["test.payments"]}}""");
      until("the change is applied", () -> Future.succeededFuture(log.text().contains(
          "The callbackToken of tenant acme changed in")));
      until("bunq holds alice's filter with the URL of the cluster's token", () -> node.filters()
          .callbackUrl(node.tenants().get("acme"), "alice")
          .compose(url -> api("acme", "alice", "GET", "/user/{userId}/notification-filter-url")
              .map(reply -> reply.getJsonArray("Response").stream()
                  .map(item -> ((JsonObject) item).getJsonObject("NotificationFilterUrl"))
                  .anyMatch(filter -> url.equals(filter.getString("notification_target"))))));
      assertThat(log.text()).doesNotContain("changed-token-0123456789");
    }
  }

  @Test
  void aBadFileIsRejectedNamingFileAndFieldAndTheTenantKeepsRunning() throws Exception {
    TenantConfig before = node.tenants().get("acme");
    Files.writeString(conf.resolve("tenants/acme.json"), "{\"id\": \"acme\", \"users\": [{\"id\": \"Alice!\"}]}");
    until("the file is rejected", () -> Future.succeededFuture(!node.tenantWatcher().rejections().isEmpty()));
    assertThat(node.tenantWatcher().rejections().values()).singleElement().asString()
        .contains("acme.json: users[0].id: must be lower-case letters");
    assertThat(node.tenants().get("acme")).isEqualTo(before);
    assertThat(api("acme", "alice", "GET", "/user").await(10, TimeUnit.SECONDS).getInteger("status")).isEqualTo(200);
  }
}
