package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each fault type through the Java API, seen by the independent client. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultsTest {

  private static final String PAYMENT_PATH = "/v1/user/\\d+/monetary-account/\\d+/payment";
  private static final String OUTSIDE_IBAN = "NL91ABNA0417164300";

  private BunqEmulator emulator;
  private Faults faults;
  private TestClient alice;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setInitialBalance("100.00"));
    faults = emulator.faults();
    alice = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  private Reply pay(String amount) {
    return alice.pay(Emulators.payment(amount, "IBAN", OUTSIDE_IBAN, "fault test").encode());
  }

  @Test
  void latencyDelaysTheNextMatchingCallAndIsThenUsedUp() throws Exception {
    await(faults.add(Fault.latency(Duration.ofMillis(400)).on("GET", "/v1/user").times(1)));
    long started = System.nanoTime();
    assertThat(alice.get("/user").status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(await(faults.list())).isEmpty();
  }

  @Test
  void serverErrorAnswersHtmlForTheNextTwoMatchingCallsOnly() throws Exception {
    await(faults.add(Fault.serverError(502).on("get", "/v1/user").times(2)));
    assertThat(alice.get("/user/" + alice.userId).status()).as("path must match whole").isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      Reply reply = alice.get("/user");
      assertThat(reply.status()).isEqualTo(502);
      assertThat(reply.header("Content-Type")).startsWith("text/html");
      assertThat(reply.text()).startsWith("<!DOCTYPE html>").contains("502 Bad Gateway");
      assertThat(reply.header("X-Bunq-Server-Signature")).isNull();
    }
    assertThat(alice.get("/user").status()).isEqualTo(200);
  }

  @Test
  void droppedBeforeProcessingTheConnectionClosesAndNothingIsBooked() throws Exception {
    await(faults.add(Fault.dropBeforeProcessing().on("POST", PAYMENT_PATH).times(1)));
    assertThatThrownBy(() -> pay("10.00")).isInstanceOf(IllegalStateException.class);
    assertThat(alice.get(alice.paymentsPath()).items()).isEmpty();
    assertThat(alice.balance()).isEqualTo("100.00");
  }

  @Test
  void droppedAfterProcessingThePaymentIsBookedExactlyOnce() throws Exception {
    await(faults.add(Fault.dropAfterProcessing().on("POST", PAYMENT_PATH).times(1)));
    assertThatThrownBy(() -> pay("10.00")).isInstanceOf(IllegalStateException.class);
    assertThat(alice.get(alice.paymentsPath()).items()).hasSize(1);
    assertThat(alice.balance()).isEqualTo("90.00");
    assertThat(pay("1.00").status()).as("the fault is used up").isEqualTo(200);
  }

  @Test
  void tooManyRequestsIsForcedUntilTheFaultIsRemoved() throws Exception {
    String id = await(faults.add(Fault.tooManyRequests().on("POST", PAYMENT_PATH)));
    for (int i = 0; i < 2; i++) {
      Reply reply = pay("1.00");
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.errorDescription())
          .isEqualTo("Too many requests. You can do a maximum of 5 calls per 3 second to this endpoint.");
      assertThat(reply.header("X-Bunq-Server-Signature")).isNull();
    }
    assertThat(await(faults.list())).hasSize(1);
    assertThat(await(faults.remove(id))).isTrue();
    assertThat(pay("1.00").status()).isEqualTo(200);
    assertThat(alice.balance()).isEqualTo("99.00");
  }

  @Test
  void rotatedServerKeyMakesResponsesFailVerificationForThatUserOnly() throws Exception {
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    assertThat(await(faults.rotateServerKeys(alice.userId))).isEqualTo(1);
    Reply reply = alice.get("/user");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("X-Bunq-Server-Signature")).isNotBlank();
    assertThat(alice.serverSignatureValid(reply)).isFalse();
    assertThat(bob.serverSignatureValid(bob.get("/user"))).isTrue();
    assertThatThrownBy(() -> await(faults.rotateServerKeys(1L))).hasMessageContaining("no user with id 1");
  }

  @Test
  void revokedApiKeyEndsItsSessionsAndIsRefusedByDeviceAndSessionServer() throws Exception {
    assertThat(await(faults.revokeApiKey(alice.apiKey))).isEqualTo(1);
    Reply old = alice.get("/user");
    assertThat(old.status()).isEqualTo(401);
    assertThat(old.errorDescription()).isEqualTo("Insufficient authorisation.");

    Reply session = alice.openSession(alice.apiKey);
    assertThat(session.status()).isEqualTo(400);
    assertThat(session.errorDescription())
        .isEqualTo("User credentials are incorrect. Incorrect API key or IP address.");
    TestClient fresh = new TestClient(emulator.baseUrl());
    fresh.install();
    String device = new JsonObject().put("description", "x").put("secret", alice.apiKey).encode();
    Reply deviceServer = fresh.send("POST", "/device-server", fresh.installationToken, device, true);
    assertThat(deviceServer.status()).isEqualTo(400);
    assertThat(deviceServer.errorDescription()).startsWith("User credentials are incorrect.");
  }

  @Test
  void sessionsExpireEarlyByTokenOrByUser() throws Exception {
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    assertThat(await(faults.expireSession(alice.sessionToken))).isTrue();
    Reply expired = alice.get("/user");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.errorDescription()).isEqualTo("Insufficient authorisation.");
    assertThat(bob.get("/user").status()).isEqualTo(200);
    assertThat(await(faults.expireSession("0".repeat(64)))).isFalse();

    assertThat(await(faults.expireSessions(bob.userId))).isEqualTo(1);
    assertThat(bob.get("/user").status()).isEqualTo(401);
    assertThat(alice.openSession(alice.apiKey).status()).as("a new session works").isEqualTo(200);
    assertThat(alice.get("/user").status()).isEqualTo(200);
  }

  @Test
  void badFaultsAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> Fault.serverError(404)).hasMessageContaining("status");
    assertThatThrownBy(() -> Fault.tooManyRequests().on("FETCH", null)).hasMessageContaining("method");
    assertThatThrownBy(() -> Fault.tooManyRequests().on(null, "(")).hasMessageContaining("path");
    assertThatThrownBy(() -> Fault.dropAfterProcessing().times(0)).hasMessageContaining("times");
    assertThatThrownBy(() -> Fault.fromJson(new JsonObject().put("type", "latency")))
        .hasMessageContaining("latencyMs");
    assertThatThrownBy(() -> Fault.fromJson(new JsonObject().put("type", "drop-after").put("count", 1)))
        .hasMessageContaining("count");
    Fault fault = Fault.latency(Duration.ofMillis(5)).on("post", PAYMENT_PATH).times(3);
    assertThat(Fault.fromJson(fault.toJson()).toJson()).isEqualTo(fault.toJson());
  }
}
