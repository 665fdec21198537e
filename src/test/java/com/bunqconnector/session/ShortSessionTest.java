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
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A user whose bunq sessions last no longer than the refresh margin (a {@code session_timeout} of 30 s). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShortSessionTest {

  private final HandClock clock = new HandClock();
  private Vertx vertx;
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
    factory = new ContextFactory(http, crypto, clock);
    sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()), factory, clock,
        SessionManager.DEFAULT_REFRESH_MARGIN_MS);
    client = new BunqClient(sessions, http);
    sessions.register(new UserSpec("acme", "ada", emulator.baseUrl(), null, List.of(), true));
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

    clock.advanceMs(20_000);
    assertThat(get()).isEqualTo(200);
    assertThat(factory.sessionsCreated()).as("10 s left of 30: more than a quarter").isEqualTo(1);

    clock.advanceMs(3_000);
    assertThat(get()).isEqualTo(200);
    assertThat(get()).isEqualTo(200);
    assertThat(factory.sessionsCreated()).as("7 s left of 30: renewed once").isEqualTo(2);
    assertThat(sessions.renewedCount()).isEqualTo(1);
  }

  /** A clock the test moves by hand, starting now. */
  private static final class HandClock extends Clock {
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

    void advanceMs(long ms) {
      now.addAndGet(ms);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  }
}
