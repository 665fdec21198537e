package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.EmulatorSeed.SeedUser;
import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bunq's session lifecycle: per-user timeouts, extension near expiry, DELETE, a new session per installation. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionLifecycleTest {

  private final ManualClock clock = ManualClock.startingAt(Instant.parse("2025-06-02T10:00:00Z"));
  private BunqEmulator emulator;
  private String shortKey;
  private String longKey;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    EmulatorSeed seed = new EmulatorSeed(List.of(
        new SeedUser("person", null, null, null, 120),
        new SeedUser("person", null, null, null, 3600)), List.of());
    emulator = Emulators.start(vertx, new EmulatorOptions().setClock(clock).setSeed(seed));
    shortKey = emulator.seededUsers().get(0).apiKey();
    longKey = emulator.seededUsers().get(1).apiKey();
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void eachUserHasItsOwnSessionTimeout() {
    TestClient quick = TestClient.withSession(emulator.baseUrl(), shortKey);
    TestClient slow = TestClient.withSession(emulator.baseUrl(), longKey);
    assertThat(quick.get("/user").item(0, "UserPerson").getInteger("session_timeout")).isEqualTo(120);
    clock.advance(Duration.ofSeconds(89));
    assertThat(quick.get("/user").status()).as("31 s left: outside the extension window").isEqualTo(200);
    clock.advance(Duration.ofSeconds(31));
    assertThat(quick.get("/user").status()).isEqualTo(401);
    assertThat(slow.get("/user").status()).isEqualTo(200);
  }

  @Test
  void aCallInTheLastThirtySecondsExtendsTheSessionByTheTimeout() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    clock.advance(Duration.ofSeconds(100));
    assertThat(client.get("/user").status()).as("20 s left: extends to now + 120 s").isEqualTo(200);
    clock.advance(Duration.ofSeconds(119));
    assertThat(client.get("/user").status()).as("1 s left of the extended session").isEqualTo(200);
    clock.advance(Duration.ofSeconds(120));
    assertThat(client.get("/user").status()).as("the second extension has run out").isEqualTo(401);
  }

  @Test
  void extensionOfALongSessionIsCappedAtFiveMinutes() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), longKey);
    clock.advance(Duration.ofSeconds(3600 - 10));
    assertThat(client.get("/user").status()).as("10 s left: extends to now + 5 min, not now + 1 h").isEqualTo(200);
    clock.advance(Duration.ofSeconds(200));
    assertThat(client.get("/user").status()).as("past the original expiry, 100 s left").isEqualTo(200);
    clock.advance(Duration.ofSeconds(101));
    assertThat(client.get("/user").status()).as("5 min 1 s after the extending call").isEqualTo(401);
  }

  @Test
  void aDeletedSessionIsForbiddenAsAnUnknownTokenIs() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    Reply deleted = client.send("DELETE", "/session/0", client.sessionToken, "", true);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
    assertThat(deleted.items()).isEmpty();
    assertThat(client.serverSignatureValid(deleted)).isTrue();
    Reply after = client.get("/user");
    assertThat(after.status()).as("bunq's Java SDK expects a ForbiddenException here").isEqualTo(403);
    assertThat(after.errorDescription()).isEqualTo("Insufficient authentication.");
    assertThat(client.serverSignatureValid(after)).as("still signed with the installation's key").isTrue();
    assertThat(client.openSession(shortKey).status()).as("the installation can open a new session").isEqualTo(200);
    assertThat(client.get("/user").status()).isEqualTo(200);
  }

  @Test
  void deletingBySessionIdWorksAndAnotherIdIsNotFound() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    Reply other = client.send("DELETE", "/session/" + (client.sessionId + 1000), client.sessionToken, "", false);
    assertThat(other.status()).isEqualTo(404);
    assertThat(client.get("/user").status()).isEqualTo(200);
    Reply own = client.send("DELETE", "/session/" + client.sessionId, client.sessionToken, "", false);
    assertThat(own.status()).isEqualTo(200);
    assertThat(client.get("/user").status()).isEqualTo(403);
  }

  @Test
  void aNewSessionOnTheInstallationReplacesTheOldOne() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    String oldToken = client.sessionToken;
    long oldId = client.sessionId;
    assertThat(client.openSession(shortKey).status()).isEqualTo(200);
    assertThat(client.sessionId).isNotEqualTo(oldId);
    assertThat(client.get("/user").status()).isEqualTo(200);
    Reply old = client.send("GET", "/user", oldToken, "", false);
    assertThat(old.status()).as("the replaced session is closed, like a deleted one").isEqualTo(403);
    assertThat(old.errorDescription()).isEqualTo("Insufficient authentication.");
  }

  @Test
  void aNewSessionAfterExpiryWorksOnTheSameInstallation() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    clock.advance(Duration.ofSeconds(121));
    assertThat(client.get("/user").status()).isEqualTo(401);
    assertThat(client.openSession(shortKey).status()).isEqualTo(200);
    assertThat(client.get("/user").status()).isEqualTo(200);
  }

  @Test
  void sessionServerWithASessionTokenIsRefusedWithBunqsText() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), shortKey);
    String body = new JsonObject().put("secret", shortKey).encode();
    Reply reply = client.send("POST", "/session-server", client.sessionToken, body, true);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).isEqualTo("Authentication token already has a user session.");
  }
}
