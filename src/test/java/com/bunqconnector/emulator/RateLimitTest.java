package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RateLimitTest {

  private final ManualClock clock = ManualClock.startingNow();
  private BunqEmulator emulator;

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  private TestClient clientOn(Vertx vertx, EmulatorOptions options) throws Exception {
    emulator = Emulators.startAsGiven(vertx, options.setClock(clock));
    return TestClient.withSession(emulator.baseUrl());
  }

  @Test
  void fourthGetWithinThreeSecondsIsRefusedUnsignedWithBunqsTextAndAllowedAfterTheWindow(Vertx vertx)
      throws Exception {
    TestClient client = clientOn(vertx, new EmulatorOptions());
    for (int i = 0; i < 3; i++) {
      assertThat(client.get("/user").status()).isEqualTo(200);
    }
    Reply refused;
    try (LogCapture log = new LogCapture()) {
      refused = client.get("/user");
      assertThat(client.get("/user").status()).isEqualTo(429);
      assertThat(log.text()).as("the first 429 says how to turn the limits off, once")
          .containsOnlyOnce("--no-rate-limits").contains("GET /v1/user from 127.0.0.1 is over bunq's limit of 3");
    }
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorDescription())
        .isEqualTo("Too many requests. You can do a maximum of 3 calls per 3 second to this endpoint.");
    assertThat(refused.header("X-Bunq-Server-Signature")).isNull();
    assertThat(refused.header("X-Bunq-Client-Response-Id")).isNotBlank();
    assertThat(client.get("/user/" + client.userId).status()).as("another endpoint has its own count").isEqualTo(200);
    assertThat(client.get("/user?count=1").status()).as("the query is not part of the endpoint").isEqualTo(429);

    clock.advance(Duration.ofMillis(2_999));
    assertThat(client.get("/user").status()).isEqualTo(429);
    clock.advance(Duration.ofMillis(1));
    Reply allowed = client.get("/user");
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(client.serverSignatureValid(allowed)).isTrue();
  }

  @Test
  void sixthPostAndThirdPutWithinThreeSecondsAreRefused(Vertx vertx) throws Exception {
    TestClient alice = clientOn(vertx, new EmulatorOptions().setInitialBalance("100.00"));
    String body = Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "limit test").encode();
    for (int i = 0; i < 5; i++) {
      assertThat(alice.pay(body).status()).isEqualTo(200);
    }
    Reply post = alice.pay(body);
    assertThat(post.status()).isEqualTo(429);
    assertThat(post.errorDescription())
        .isEqualTo("Too many requests. You can do a maximum of 5 calls per 3 second to this endpoint.");
    assertThat(alice.balance()).as("the refused payment was not booked").isEqualTo("95.00");

    String account = "/user/" + alice.userId + "/monetary-account-bank/" + alice.accountId;
    for (int i = 0; i < 2; i++) {
      assertThat(alice.send("PUT", account, alice.sessionToken, "{}", true).status()).isNotEqualTo(429);
    }
    Reply put = alice.send("PUT", account, alice.sessionToken, "{}", true);
    assertThat(put.status()).isEqualTo(429);
    assertThat(put.errorDescription())
        .isEqualTo("Too many requests. You can do a maximum of 2 calls per 3 second to this endpoint.");
  }

  @Test
  void secondSessionServerCallWithinThirtySecondsIsRefused(Vertx vertx) throws Exception {
    clientOn(vertx, new EmulatorOptions());
    TestClient second = new TestClient(emulator.baseUrl());
    second.apiKey = second.createSandboxUser();
    second.install();
    second.registerDevice(second.apiKey);

    Reply refused = second.openSession(second.apiKey);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorDescription())
        .isEqualTo("Too many requests. You can do a maximum of 1 calls per 30 second to this endpoint.");
    assertThat(refused.header("X-Bunq-Server-Signature")).isNull();

    clock.advance(Duration.ofSeconds(30));
    assertThat(second.openSession(second.apiKey).status()).isEqualTo(200);
  }

  @Test
  void configuredLimitsReplaceBunqsIncludingTheSessionServerOne(Vertx vertx) throws Exception {
    RateLimitOptions limits = new RateLimitOptions().setGetCalls(1).setGetWindowMs(500)
        .setSessionServerCalls(2).setSessionServerWindowMs(1_000);
    TestClient client = clientOn(vertx, new EmulatorOptions().setRateLimits(limits));
    assertThat(client.get("/user").status()).isEqualTo(200);
    assertThat(client.get("/user").errorDescription())
        .isEqualTo("Too many requests. You can do a maximum of 1 calls per 0.5 second to this endpoint.");
    assertThat(client.openSession(client.apiKey).status()).as("second session within the relaxed limit")
        .isNotEqualTo(429);
  }

  @Test
  void limitsSwitchedOffNeverAnswer429(Vertx vertx) throws Exception {
    TestClient client = clientOn(vertx, new EmulatorOptions().setRateLimits(new RateLimitOptions().setEnabled(false)));
    for (int i = 0; i < 10; i++) {
      assertThat(client.get("/user").status()).isEqualTo(200);
    }
    TestClient other = TestClient.withSession(emulator.baseUrl());
    assertThat(other.get("/user").status()).isEqualTo(200);
  }

  @Test
  void limitOptionsRoundTripThroughJsonAndNameUnknownOrBadFields() {
    EmulatorOptions options = new EmulatorOptions(new JsonObject()
        .put("rateLimits", new JsonObject().put("sessionServerCalls", 10).put("postWindowMs", 1_000))
        .put("strictSignatures", true)
        .put("requestIdTtlSeconds", 60));
    assertThat(options.getRateLimits().getSessionServerCalls()).isEqualTo(10);
    assertThat(options.getRateLimits().getPostWindowMs()).isEqualTo(1_000);
    assertThat(options.getRateLimits().getGetCalls()).isEqualTo(RateLimitOptions.DEFAULT_GET_CALLS);
    assertThat(options.isStrictSignatures()).isTrue();
    assertThat(new EmulatorOptions(options.toJson()).toJson()).isEqualTo(options.toJson());

    assertThatThrownBy(() -> new EmulatorOptions(new JsonObject().put("rateLimits", new JsonObject().put("gets", 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rateLimits.gets");
    assertThatThrownBy(() -> new RateLimitOptions().setPutCalls(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rateLimits.putCalls");
    assertThatThrownBy(() -> new EmulatorOptions().setRequestIdTtlSeconds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestIdTtlSeconds");
  }
}
