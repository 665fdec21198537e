package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestIdTest {

  private final ManualClock clock = ManualClock.startingNow();
  private BunqEmulator emulator;
  private TestClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setClock(clock).setRequestIdTtlSeconds(60));
    client = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  private Reply getWithId(TestClient who, String requestId) {
    return who.send("GET", "/user", who.sessionToken, "", null, Map.of("X-Bunq-Client-Request-Id", requestId));
  }

  @Test
  void reusedRequestIdOnTheSameInstallationIsRefusedWith400NamingIt() {
    String id = TestClient.newRequestId();
    Reply first = getWithId(client, id);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("X-Bunq-Client-Request-Id")).isEqualTo(id);

    Reply again = getWithId(client, id);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.errorDescription()).contains("\"" + id + "\"").contains("already been used");
    assertThat(again.header("X-Bunq-Client-Request-Id")).isEqualTo(id);
    assertThat(client.serverSignatureValid(again)).isTrue();

    Reply otherEndpoint = client.send("GET", "/user/" + client.userId, client.sessionToken, "", null,
        Map.of("x-bunq-client-request-id", id));
    assertThat(otherEndpoint.status()).as("unique per device, not per endpoint; header name in lower case")
        .isEqualTo(400);
  }

  @Test
  void installationTokenCallsShareTheInstallationsIds() {
    String id = TestClient.newRequestId();
    assertThat(getWithId(client, id).status()).isEqualTo(200);
    String body = "{\"secret\": \"" + client.apiKey + "\"}";
    Reply session = client.send("POST", "/session-server", client.installationToken, body,
        TestClient.sign(client.keys.getPrivate(), body.getBytes()), Map.of("X-Bunq-Client-Request-Id", id));
    assertThat(session.status()).isEqualTo(400);
    assertThat(session.errorDescription()).contains("already been used");
  }

  @Test
  void theSameIdOnAnotherInstallationIsAccepted() {
    TestClient other = TestClient.withSession(emulator.baseUrl());
    String id = TestClient.newRequestId();
    assertThat(getWithId(client, id).status()).isEqualTo(200);
    assertThat(getWithId(other, id).status()).isEqualTo(200);
  }

  @Test
  void anIdIsForgottenAfterItsTimeToLive() {
    String id = TestClient.newRequestId();
    assertThat(getWithId(client, id).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(59));
    assertThat(getWithId(client, id).status()).isEqualTo(400);
    clock.advance(Duration.ofSeconds(1));
    assertThat(getWithId(client, id).status()).isEqualTo(200);
  }

  @Test
  void anonymousCallsMayRepeatAnId() {
    Map<String, String> fixed = Map.of("X-Bunq-Client-Request-Id", "uniqueness-is-required");
    assertThat(client.send("POST", "/sandbox-user-person", null, "", null, fixed).status()).isEqualTo(200);
    assertThat(client.send("POST", "/sandbox-user-person", null, "", null, fixed).status()).isEqualTo(200);
  }

  @Test
  void veryLongIdsAreRememberedToo() {
    String id = "x".repeat(2_000);
    assertThat(getWithId(client, id).status()).isEqualTo(200);
    Reply again = getWithId(client, id);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.errorDescription()).hasSizeLessThan(300);
  }
}
