package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.InvalidUserException;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions that run out, die, lose their server key or lose their credentials, against the emulator's faults. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionRecoveryTest {

  private Vertx vertx;
  private BunqEmulator emulator;
  private ContextFactory factory;
  private SessionStore store;
  private SessionManager sessions;
  private BunqClient client;
  private final ManualClock clock = ManualClock.startingNow();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(3600)
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await();
    CryptoWorker crypto = new CryptoWorker(vertx, "test-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000, BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    factory = new ContextFactory(http, crypto, clock);
    store = new SessionStore(vertx, SecretBox.ephemeral());
    sessions = new SessionManager(store, factory, clock, 60_000);
    sessions.onEvent(events::add);
    client = new BunqClient(sessions, http);
    for (String user : List.of("alice", "bob")) {
      sessions.register(new UserSpec("acme", user, emulator.baseUrl(), null, List.of(), true));
    }
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Future<BunqResponse> get(String user, String path) {
    return client.call(new ApiCall("acme", user, HttpMethod.GET, path, Map.of(), null));
  }

  @Test
  void sessionAboutToRunOutIsRenewedBeforeUseOnTheSameInstallation() {
    SessionContext first = sessions.context("acme", "alice").await();
    clock.advance(Duration.ofSeconds(3600 - 30));
    SessionContext second = sessions.context("acme", "alice").await();
    assertThat(second.sessionToken()).isNotEqualTo(first.sessionToken());
    assertThat(second.installationToken()).isEqualTo(first.installationToken());
    assertThat(factory.installationsCreated()).isEqualTo(1);
    assertThat(factory.sessionsCreated()).isEqualTo(2);
    assertThat(get("alice", "/user").await().status()).isEqualTo(200);
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("context-created", "session-renewed");
  }

  @Test
  void sessionBunqDeclaresDeadIsRenewedOnceForManyCallersAndTheCallsSucceed() {
    SessionContext first = sessions.context("acme", "alice").await();
    assertThat(emulator.faults().expireSessions(first.bunqUserId()).await()).isEqualTo(1);
    List<Future<BunqResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(get("alice", "/user/{userId}"));
    }
    Future.all(calls).await();
    assertThat(calls).allSatisfy(call -> assertThat(call.result().status()).isEqualTo(200));
    assertThat(factory.sessionsCreated()).isEqualTo(2);
    assertThat(sessions.renewedCount()).isEqualTo(1);
    assertThat(store.get("acme/alice").await().sessionToken()).isNotEqualTo(first.sessionToken());
  }

  @Test
  void rotatedServerKeyRebuildsTheContextOnceAndAGetIsRetried() {
    SessionContext first = sessions.context("acme", "alice").await();
    assertThat(emulator.faults().rotateServerKeys(first.bunqUserId()).await()).isPositive();
    try (LogCapture logs = new LogCapture()) {
      assertThat(get("alice", "/user/{userId}").await().status()).isEqualTo(200);
      assertThat(logs.text()).as("logged as a security event")
          .contains("ERROR [SECURITY] com.bunqconnector.api.BunqClient", "does not carry a valid server signature");
    }
    assertThat(sessions.rebuiltCount()).isEqualTo(1);
    assertThat(factory.installationsCreated()).isEqualTo(2);
    assertThat(store.get("acme/alice").await().installationToken()).isNotEqualTo(first.installationToken());
  }

  @Test
  void paymentWhoseAnswerDoesNotVerifyIsNeverSentTwice() {
    SessionContext alice = sessions.context("acme", "alice").await();
    JsonObject bobAccount = account("bob");
    JsonObject aliceAccount = account("alice");
    emulator.faults().rotateServerKeys(alice.bunqUserId()).await();
    JsonObject body = new JsonObject()
        .put("amount", new JsonObject().put("value", "1.00").put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", iban(bobAccount))
            .put("name", "Bob"))
        .put("description", "must happen once");
    Future<BunqResponse> payment = client.call(new ApiCall("acme", "alice", HttpMethod.POST,
        "/user/{userId}/monetary-account/" + aliceAccount.getLong("id") + "/payment", Map.of(), body.toBuffer()));
    assertThatThrownBy(payment::await).isInstanceOfSatisfying(BunqApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
    JsonObject list = get("alice", "/user/{userId}/monetary-account/" + aliceAccount.getLong("id") + "/payment")
        .await().body();
    assertThat(list.getJsonArray("Response")).hasSize(1);
    assertThat(sessions.rebuiltCount()).isEqualTo(1);
  }

  @Test
  void revokedApiKeyMarksOnlyThatUserInvalidWithOneEventAndNoRetryStorm() {
    SessionContext alice = sessions.context("acme", "alice").await();
    sessions.context("acme", "bob").await();
    emulator.faults().revokeApiKey(alice.apiKey()).await();
    emulator.faults().expireSessions(alice.bunqUserId()).await();
    long sessionCalls = factory.sessionsCreated();

    assertThatThrownBy(() -> get("alice", "/user").await()).hasMessageContaining("User credentials are incorrect");
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> get("alice", "/user").await()).isInstanceOf(InvalidUserException.class);
    }
    assertThat(factory.sessionsCreated()).isEqualTo(sessionCalls);
    assertThat(events).filteredOn(e -> "user-invalid".equals(e.getString("type"))).singleElement()
        .satisfies(e -> assertThat(e.getString("user")).isEqualTo("alice"));
    assertThat(get("bob", "/user").await().status()).isEqualTo(200);
  }

  private JsonObject account(String user) {
    return get(user, "/user/{userId}/monetary-account-bank").await().items().getJsonObject(0)
        .getJsonObject("MonetaryAccountBank");
  }

  private static String iban(JsonObject account) {
    return account.getJsonArray("alias").stream().map(JsonObject.class::cast)
        .filter(alias -> "IBAN".equals(alias.getString("type"))).findFirst().orElseThrow().getString("value");
  }
}
