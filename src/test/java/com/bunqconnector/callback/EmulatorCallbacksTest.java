package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.SessionPacer;
import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TenantKeys;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Callbacks that the emulator sends like bunq, over 127.0.0.1, to a connector whose tenant verifies
 * every callback by fetching its object: a real payment's callbacks reach the consumer, a callback
 * for a payment bunq never made is answered 200 but dropped and counted. Rotating the token (last,
 * since it changes the URL) re-registers every user.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmulatorCallbacksTest {

  private static final String TOKEN = "verify-token-0123456789abcdef";

  private static Vertx vertx;
  private static BunqEmulator emulator;
  private static BunqClient client;
  private static CallbackStats stats;
  private static FilterRegistrar filters;
  private static TenantConfig acme;
  private static int port;
  private static final Queue<Message<JsonObject>> delivered = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
    CryptoWorker crypto = new CryptoWorker(vertx, "callback-test-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    SecretBox box = SecretBox.ephemeral();
    ContextFactory factory = new ContextFactory(http, crypto, Clock.systemUTC(), SessionPacer.unpaced(),
        new TenantKeys(vertx, box));
    SessionManager sessions = new SessionManager(new SessionStore(vertx, box), factory);
    Map<String, UserConfig> users = new LinkedHashMap<>();
    for (String user : List.of("alice", "bob")) {
      users.put(user, new UserConfig(user, null, List.of()));
      sessions.register(new UserSpec("acme", user, emulator.baseUrl(), null, List.of(), true));
    }
    client = new BunqClient(sessions, http);
    acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN, users,
        Map.of("PAYMENT", List.of("test.verified")), false, true, true);
    vertx.eventBus().<JsonObject>consumer("test.verified", message -> {
      delivered.add(message);
      message.reply("ack");
    });
    stats = new CallbackStats();
    CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024,
        CallbackConfig.defaults(), stats, client);
    endpoint.registerFiltersWith(tenant -> filters.registerAll(tenant));
    vertx.deployVerticle(endpoint).await(30, TimeUnit.SECONDS);
    port = endpoint.actualPort();
    filters = new FilterRegistrar(vertx, client, "http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static JsonObject account(String user) throws Exception {
    return client.call(new ApiCall("acme", user, HttpMethod.GET, "/user/" + ApiCall.USER_ID
        + "/monetary-account-bank", Map.of(), null)).await(30, TimeUnit.SECONDS).item("MonetaryAccountBank");
  }

  private static List<String> targets(String path) throws Exception {
    return client.call(new ApiCall("acme", "alice", HttpMethod.GET, path, Map.of(), null))
        .await(30, TimeUnit.SECONDS).items().stream().map(JsonObject.class::cast)
        .map(item -> item.getJsonObject("NotificationFilterUrl").getString("notification_target")).toList();
  }

  private static String iban(JsonObject account) {
    return account.getJsonArray("alias").stream().map(JsonObject.class::cast)
        .filter(alias -> "IBAN".equals(alias.getString("type"))).findFirst().orElseThrow().getString("value");
  }

  @Test
  @Order(1)
  void paymentCallbacksThatBunqConfirmsAreDeliveredAndAForgedOneIsDropped() throws Exception {
    new FilterRegistrar(vertx, client, "http://127.0.0.1:1").register(acme, "alice").await(30, TimeUnit.SECONDS);
    JsonObject report = filters.registerAll(acme).await(30, TimeUnit.SECONDS);
    assertThat(report.getJsonArray("registered")).containsExactlyInAnyOrder("alice", "bob");
    assertThat(report.getJsonObject("failed")).isEmpty();
    JsonObject from = account("alice");
    JsonObject to = account("bob");
    assertThat(targets("/user/" + ApiCall.USER_ID + "/notification-filter-url"))
        .as("the URL at the old public base is replaced, not kept beside the new one")
        .containsExactly("http://127.0.0.1:" + port + "/callbacks/acme/" + TOKEN + "?user=alice");
    assertThat(targets("/user/" + ApiCall.USER_ID + "/monetary-account/" + from.getLong("id")
        + "/notification-filter-url")).containsExactly("http://127.0.0.1:" + port + "/callbacks/acme/" + TOKEN
        + "?user=alice");
    JsonObject payment = new JsonObject()
        .put("amount", new JsonObject().put("value", "1.25").put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", iban(to)).put("name", "Bob"))
        .put("description", "verified callback test");
    client.call(new ApiCall("acme", "alice", HttpMethod.POST, "/user/" + ApiCall.USER_ID + "/monetary-account/"
        + from.getLong("id") + "/payment", Map.of(), payment.toBuffer())).await(30, TimeUnit.SECONDS);

    Eventually.until(vertx, "both sides' payment callbacks are delivered", 20_000, () -> delivered.size() == 2);
    assertThat(delivered).extracting(message -> message.headers().get(CallbackHeaders.USER))
        .containsExactlyInAnyOrder("alice", "bob");

    String forged = AtLeastOnceDeliveryTest.event("PAYMENT", "Payment", 987_654_321)
        .replace("\"monetary_account_id\":7", "\"monetary_account_id\":" + from.getLong("id"));
    int status = WebClient.create(vertx).post(port, "127.0.0.1", "/callbacks/acme/" + TOKEN + "?user=alice")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(forged)).await().statusCode();
    assertThat(status).isEqualTo(200);
    Eventually.until(vertx, "the forged callback is dropped", 20_000, () -> stats.unconfirmed() == 1);
    assertThat(delivered).hasSize(2);
  }

  @Test
  @Order(2)
  void rotatingTheTokenReRegistersEveryUsersFilters() throws Exception {
    JsonObject rotated = vertx.eventBus().<JsonObject>request(Addresses.ADMIN, new JsonObject()
        .put("action", "rotate-token").put("tenant", "acme")).await(30, TimeUnit.SECONDS).body();
    String fresh = rotated.getString("token");
    assertThat(rotated.getJsonObject("registration").getJsonArray("registered"))
        .containsExactlyInAnyOrder("alice", "bob");
    assertThat(targets("/user/" + ApiCall.USER_ID + "/notification-filter-url"))
        .containsExactly("http://127.0.0.1:" + port + "/callbacks/acme/" + fresh + "?user=alice");
  }

  @Test
  @Order(3)
  void aUserWhoseRegistrationWouldFailAgainIsReportedWithoutRetries() throws Exception {
    Map<String, UserConfig> users = new LinkedHashMap<>(acme.users());
    users.put("carol", new UserConfig("carol", null, List.of()));
    TenantConfig withCarol = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN, users,
        acme.consumers(), false, true, true);
    JsonObject report = filters.registerAll(withCarol).await(30, TimeUnit.SECONDS);
    assertThat(report.getJsonArray("registered")).containsExactlyInAnyOrder("alice", "bob");
    assertThat(report.getJsonObject("failed").getString("carol")).as("carol is not served by this node")
        .contains("carol", "not tried again");
  }
}
