package com.bunqconnector.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code bunq.api} contract as an application sees it, against the emulator. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ApiVerticleTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    BunqEmulator emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        // Several sessions open at once from 127.0.0.1; pacing session creation is the connector's #4/#6.
        .setRateLimits(new RateLimitOptions().setSessionServerCalls(10))).await();
    CryptoWorker crypto = new CryptoWorker(vertx, "test-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    SessionManager sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()),
        new ContextFactory(http, crypto));
    for (String user : List.of("alice", "bob")) {
      sessions.register(new UserSpec("acme", user, emulator.baseUrl(), null, List.of(), true));
    }
    BunqClient client = new BunqClient(sessions, http);
    vertx.deployVerticle(() -> new ApiVerticle(client), new DeploymentOptions().setInstances(2)).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static JsonObject request(String user, String method, String path) {
    return new JsonObject().put("tenant", "acme").put("user", user).put("method", method).put("path", path);
  }

  private static Future<Message<JsonObject>> send(Object request) {
    return vertx.eventBus().request(Addresses.API, request);
  }

  private static JsonObject failureOf(Object request, int expectedCode) {
    Throwable failure = send(request).map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(expectedCode);
    return BusFailures.read(failure);
  }

  @Test
  void listReplyCarriesStatusItemsPaginationAndResponseId() {
    JsonObject reply = send(request("alice", "GET", "/user/{userId}/monetary-account-bank")).await().body();
    assertThat(reply.getInteger("status")).isEqualTo(200);
    JsonArray items = reply.getJsonArray("Response");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getJsonObject("MonetaryAccountBank").getString("currency")).isEqualTo("EUR");
    assertThat(reply.getJsonObject("Pagination").fieldNames()).contains("older_url", "newer_url", "future_url");
    assertThat(reply.getString("response_id")).isNotBlank();
  }

  @Test
  void paymentPostedOverTheBusMovesMoney() {
    JsonObject bob = send(request("bob", "GET", "/user/{userId}/monetary-account-bank")).await().body()
        .getJsonArray("Response").getJsonObject(0).getJsonObject("MonetaryAccountBank");
    JsonObject alice = send(request("alice", "GET", "/user/{userId}/monetary-account-bank")).await().body()
        .getJsonArray("Response").getJsonObject(0).getJsonObject("MonetaryAccountBank");
    String bobIban = bob.getJsonArray("alias").stream().map(JsonObject.class::cast)
        .filter(alias -> "IBAN".equals(alias.getString("type"))).findFirst().orElseThrow().getString("value");
    JsonObject body = new JsonObject()
        .put("amount", new JsonObject().put("value", "3.10").put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", bobIban).put("name", "Bob"))
        .put("description", "lunch \u2615");
    JsonObject reply = send(request("alice", "POST", "/user/{userId}/monetary-account/" + alice.getLong("id")
        + "/payment").put("body", body)).await().body();
    long paymentId = reply.getJsonArray("Response").getJsonObject(0).getJsonObject("Id").getLong("id");
    JsonObject payment = send(request("alice", "GET", "/user/{userId}/monetary-account/" + alice.getLong("id")
        + "/payment/" + paymentId)).await().body().getJsonArray("Response").getJsonObject(0).getJsonObject("Payment");
    assertThat(payment.getJsonObject("amount").getString("value")).isEqualTo("-3.10");
    assertThat(payment.getString("description")).isEqualTo("lunch \u2615");
  }

  @Test
  void bunqErrorComesBackWithItsStatusDescriptionAndResponseId() {
    JsonObject failure = failureOf(request("alice", "GET", "/user/{userId}/monetary-account-bank/1"), 404);
    assertThat(failure.getString("code")).isEqualTo("not-found");
    assertThat(failure.getInteger("status")).isEqualTo(404);
    assertThat(failure.getJsonArray("error_description")).isNotEmpty();
    assertThat(failure.getString("response_id")).isNotBlank();
  }

  @Test
  void malformedRequestIsRefusedNamingTheField() {
    JsonObject failure = failureOf(request("alice", "GET", "/user").put("query", "count=1"), 400);
    assertThat(failure.getString("code")).isEqualTo("invalid-request");
    assertThat(failure.getJsonArray("error_description").getString(0)).startsWith("query:");
    assertThat(failureOf("GET /user", 400).getString("code")).isEqualTo("invalid-request");
    assertThat(failureOf(new JsonObject(), 400).getJsonArray("error_description").getString(0))
        .isEqualTo("tenant: is missing");
  }

  @Test
  void unknownUserIsRefusedWithoutCallingBunq() {
    JsonObject failure = failureOf(request("mallory", "GET", "/user"), 404);
    assertThat(failure.getString("code")).isEqualTo("unknown-user");
    assertThat(failure.getJsonArray("error_description").getString(0)).contains("mallory");
  }

  @Test
  void failureReaderDescribesFailuresThatAreNotOurs() {
    Future<Message<Object>> nobody = vertx.eventBus().request("nobody.home", "x");
    assertThatThrownBy(nobody::await).isInstanceOf(ReplyException.class);
    assertThat(BusFailures.read(nobody.cause()).getString("code")).isEqualTo("internal");
  }
}
