package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A user whose bunq sessions last no longer than the refresh margin (a {@code session_timeout} of 30 s). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShortSessionTest {

  private Vertx vertx;
  private SessionStore store;
  private UserSpec spec;
  private ContextFactory factory;
  private SessionManager sessions;
  private BunqClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    BunqEmulator emulator = BunqEmulator.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(30)
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await();
    CryptoWorker crypto = new CryptoWorker(vertx, "short-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    factory = new ContextFactory(http, crypto);
    store = new SessionStore(vertx, SecretBox.ephemeral());
    sessions = new SessionManager(store, factory);
    client = new BunqClient(sessions, http);
    spec = new UserSpec("acme", "ada", emulator.baseUrl(), null, List.of(), true);
    sessions.register(spec);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private int get() {
    return client.call(new ApiCall("acme", "ada", HttpMethod.GET, "/user/{userId}", Map.of(), null)).await()
        .status();
  }

  @Test
  void callsInARowShareOneSessionAndItIsRenewedInTheLastQuarterOfItsTimeout() {
    for (int i = 0; i < 5; i++) {
      assertThat(get()).isEqualTo(200);
    }
    assertThat(factory.sessionsCreated()).as("session-server calls for five GETs").isEqualTo(1);
    String first = sessions.context("acme", "ada").await().sessionToken();

    assertThat(later(20).context("acme", "ada").await().sessionToken()).as("10 s left of 30: more than a quarter")
        .isEqualTo(first);
    assertThat(factory.sessionsCreated()).isEqualTo(1);

    SessionManager nearTheEnd = later(23);
    assertThat(nearTheEnd.context("acme", "ada").await().sessionToken()).as("7 s left of 30: renewed")
        .isNotEqualTo(first);
    assertThat(factory.sessionsCreated()).isEqualTo(2);
    assertThat(nearTheEnd.renewedCount()).isEqualTo(1);
    assertThat(get()).as("the renewed session serves calls").isEqualTo(200);
    assertThat(factory.sessionsCreated()).isEqualTo(2);
  }

  /** A manager of the same stored contexts whose clock is {@code seconds} ahead. */
  private SessionManager later(int seconds) {
    SessionManager later = new SessionManager(store, factory,
        Clock.offset(Clock.systemUTC(), Duration.ofSeconds(seconds)), SessionManager.DEFAULT_REFRESH_MARGIN_MS);
    later.register(spec);
    return later;
  }
}
