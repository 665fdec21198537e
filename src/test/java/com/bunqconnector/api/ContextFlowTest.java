package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.Fault;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UnknownUserException;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The context flow and signed calls against the emulator, over real sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextFlowTest {

  private Vertx vertx;
  private BunqEmulator emulator;
  private CryptoWorker crypto;
  private ContextFactory factory;
  private SessionStore store;
  private SessionManager sessions;
  private BunqClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setSessionServerCalls(10))).await();
    crypto = new CryptoWorker(vertx, "test-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000, BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    factory = new ContextFactory(http, crypto);
    store = new SessionStore(vertx, SecretBox.ephemeral());
    sessions = new SessionManager(store, factory);
    client = new BunqClient(sessions, http);
    sessions.register(spec("alice", null));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private UserSpec spec(String user, String apiKey) {
    return new UserSpec("acme", user, emulator.baseUrl(), apiKey, List.of(), true);
  }

  @Test
  void aCreationWhoseSessionBunqRateLimitedIsFinishedOnTheSameInstallation() {
    emulator.faults().add(Fault.tooManyRequests().on("POST", "/v1/session-server").times(1)).await();
    UserSpec bob = spec("bob", null);
    assertThatThrownBy(() -> factory.create(bob).await()).isInstanceOfSatisfying(BunqApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    SessionContext context = factory.create(bob).await();
    assertThat(context.sessionToken()).isNotBlank();
    assertThat(factory.installationsCreated()).as("the retry opened the session only").isEqualTo(1);
    assertThat(factory.devicesCreated()).isEqualTo(1);
    assertThat(factory.sandboxUsersCreated()).as("and did not make another sandbox user").isEqualTo(1);
    assertThat(factory.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void concurrentCallersOfAUserWithoutContextCreateItOnce() {
    List<Future<SessionContext>> callers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      callers.add(sessions.context("acme", "alice"));
    }
    Future.all(callers).await();
    assertThat(callers).extracting(f -> f.result().sessionToken()).containsOnly(
        callers.get(0).result().sessionToken());
    assertThat(factory.installationsCreated()).isEqualTo(1);
    assertThat(factory.devicesCreated()).isEqualTo(1);
    assertThat(factory.sessionsCreated()).isEqualTo(1);
    assertThat(sessions.context("acme", "alice").await().sessionToken())
        .isEqualTo(callers.get(0).result().sessionToken());
    assertThat(factory.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void contextIsStoredUnderTenantSlashUserWithTheSessionUser() {
    long before = System.currentTimeMillis();
    sessions.context("acme", "alice").await();
    SessionContext stored = store.get("acme/alice").await();
    assertThat(stored).isNotNull();
    assertThat(stored.userKind()).isEqualTo("UserPerson");
    assertThat(stored.bunqUserId()).isPositive();
    assertThat(stored.sessionTimeoutSeconds()).isEqualTo(EmulatorOptions.DEFAULT_SESSION_TIMEOUT_SECONDS);
    assertThat(stored.expiresAt()).isBetween(before + stored.sessionTimeoutSeconds() * 1000,
        System.currentTimeMillis() + stored.sessionTimeoutSeconds() * 1000);
    assertThat(stored.apiKey()).startsWith("sandbox_");
    assertThat(stored.toString()).doesNotContain(stored.sessionToken()).doesNotContain(stored.installationToken())
        .doesNotContain(stored.apiKey());
  }

  @Test
  void callUsesTheSessionFillsInTheUserIdAndReturnsBunqsItems() {
    BunqResponse response = client.call(new ApiCall("acme", "alice", HttpMethod.GET, "/user/{userId}", Map.of(),
        null)).await();
    long userId = store.get("acme/alice").await().bunqUserId();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.item("UserPerson").getLong("id")).isEqualTo(userId);
    assertThat(response.responseId()).isNotBlank();
  }

  @Test
  void listCallReturnsItemsAndPagination() {
    BunqResponse response = client.call(new ApiCall("acme", "alice", HttpMethod.GET,
        "/user/{userId}/monetary-account-bank", Map.of("count", "5"), null)).await();
    assertThat(response.item("MonetaryAccountBank").getJsonObject("balance").getString("value")).isEqualTo("500.00");
    assertThat(response.pagination()).isNotNull();
  }

  @Test
  void bunqErrorsArriveWithStatusDescriptionAndResponseId() {
    Future<BunqResponse> call = client.call(new ApiCall("acme", "alice", HttpMethod.GET,
        "/user/{userId}/monetary-account-bank/1", Map.of(), null));
    assertThatThrownBy(call::await).isInstanceOfSatisfying(BunqApiException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.descriptions()).isNotEmpty();
      assertThat(e.responseId()).isNotBlank();
    });
  }

  @Test
  void unknownUserFailsWithoutCallingBunq() {
    assertThatThrownBy(() -> sessions.context("acme", "mallory").await()).isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("mallory");
    assertThat(factory.installationsCreated()).isZero();
  }

  @Test
  void rejectedApiKeyFailsWithBunqsCredentialsError() {
    sessions.register(spec("eve", "sandbox_" + "0".repeat(56)));
    assertThatThrownBy(() -> sessions.context("acme", "eve").await()).isInstanceOfSatisfying(BunqApiException.class,
        e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.descriptions()).contains("User credentials are incorrect. Incorrect API key or IP address.");
        });
    assertThat(store.get("acme/eve").await()).isNull();
    assertThat(factory.sessionsCreated()).isZero();
  }

  @Test
  void unreachableBunqFailsWithoutAnswer() {
    sessions.register(new UserSpec("acme", "zed", "http://127.0.0.1:1/v1", "sandbox_x", List.of(), true));
    assertThatThrownBy(() -> sessions.context("acme", "zed").await()).isInstanceOfSatisfying(BunqApiException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
          assertThat(e.status()).isZero();
        });
  }
}
