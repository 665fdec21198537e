package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.BunqResponse;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.EmulatorSeed.SeedUser;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bunq that forgot every installation (an emulator whose state was deleted, here: a fresh
 * emulator with the same seed under the same identity): the stored context is rebuilt once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForgottenInstallationTest {

  private static final String API_KEY = "sandbox_" + "5eed".repeat(14);
  private static final String BUNQ = "the team's emulator";

  private Vertx vertx;
  private ContextFactory factory;
  private SessionManager sessions;
  private BunqClient client;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    CryptoWorker crypto = new CryptoWorker(vertx, "forgotten-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    factory = new ContextFactory(http, crypto);
    sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()), factory);
    sessions.onEvent(events::add);
    client = new BunqClient(sessions, http);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private BunqEmulator emulator() {
    return BunqEmulator.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(3600)
        .setRateLimits(new RateLimitOptions().setEnabled(false))
        .setSeed(new EmulatorSeed(List.of(new SeedUser("person", API_KEY, "Ada", null, null)), List.of())))
        .await();
  }

  private void register(String user, BunqEmulator at, String apiKey) {
    sessions.register(new UserSpec("acme", user, at.baseUrl(), apiKey, List.of(), true, false, BUNQ));
  }

  private Future<BunqResponse> get(String user) {
    return client.call(new ApiCall("acme", user, HttpMethod.GET, "/user/{userId}", Map.of(), null));
  }

  @Test
  void contextOfABunqThatForgotItsInstallationIsRebuiltOnceAndTheCallSucceeds() {
    BunqEmulator first = emulator();
    register("ada", first, API_KEY);
    SessionContext before = sessions.context("acme", "ada").await();
    first.stop().await();
    BunqEmulator second = emulator();
    register("ada", second, API_KEY);

    assertThat(get("ada").await().status()).isEqualTo(200);
    assertThat(get("ada").await().status()).isEqualTo(200);

    assertThat(sessions.rebuiltCount()).isEqualTo(1);
    assertThat(factory.installationsCreated()).isEqualTo(2);
    assertThat(sessions.isInvalid("acme", "ada")).isFalse();
    assertThat(sessions.isUsable("acme", "ada").await()).isTrue();
    assertThat(sessions.context("acme", "ada").await().installationToken())
        .isNotEqualTo(before.installationToken());
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("context-created", "context-rebuilt");
  }

  @Test
  void sandboxMadeKeyThatBunqForgotTooMarksTheUserInvalidAfterOneAttempt() {
    BunqEmulator first = emulator();
    register("bob", first, null);
    sessions.context("acme", "bob").await();
    first.stop().await();
    BunqEmulator second = emulator();
    register("bob", second, null);

    assertThatThrownBy(() -> get("bob").await()).hasMessageContaining("User credentials are incorrect");
    long installations = factory.installationsCreated();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> get("bob").await()).isInstanceOf(InvalidUserException.class);
    }
    assertThat(factory.installationsCreated()).isEqualTo(installations);
    assertThat(sessions.rebuiltCount()).isZero();
    assertThat(sessions.isUsable("acme", "bob").await()).isFalse();
    assertThat(events).filteredOn(e -> "user-invalid".equals(e.getString("type"))).hasSize(1);
  }
}
