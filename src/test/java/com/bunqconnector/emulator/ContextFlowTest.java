package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextFlowTest {

  private BunqEmulator emulator;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(3600));
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void createsFullContextWithBunqItemOrderAndSignedResponses() {
    TestClient client = new TestClient(emulator.baseUrl());
    assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port() + "/v1");

    String apiKey = client.createSandboxUser();
    assertThat(apiKey).matches("sandbox_[0-9a-f]{56}");

    Reply installation = client.install();
    assertThat(installation.status()).isEqualTo(200);
    assertThat(installation.items()).hasSize(3);
    assertThat(installation.item(0, "Id").getLong("id")).isPositive();
    JsonObject token = installation.item(1, "Token");
    assertThat(token.fieldNames()).containsExactly("id", "created", "updated", "token");
    assertThat(token.getString("token")).matches("[0-9a-f]{64}");
    assertThat(token.getString("created")).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    assertThat(installation.item(2, "ServerPublicKey").getString("server_public_key"))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");

    Reply device = client.registerDevice(apiKey);
    assertThat(device.item(0, "Id").getLong("id")).isPositive();
    assertThat(client.serverSignatureValid(device)).isTrue();

    Reply session = client.openSession(apiKey);
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.items()).hasSize(3);
    assertThat(session.item(0, "Id").getLong("id")).isPositive();
    assertThat(session.item(1, "Token").fieldNames()).containsExactly("id", "created", "updated", "token");
    JsonObject user = session.item(2, "UserPerson");
    assertThat(user.getInteger("session_timeout")).isEqualTo(3600);
    assertThat(user.getString("status")).isEqualTo("ACTIVE");
    assertThat(user.getJsonArray("alias")).hasSize(2);
    assertThat(client.serverSignatureValid(session)).isTrue();

    String requestId = TestClient.newRequestId();
    Reply users = client.send("GET", "/user", client.sessionToken, "", null,
        Map.of("X-Bunq-Client-Request-Id", requestId));
    assertThat(users.status()).isEqualTo(200);
    assertThat(users.item(0, "UserPerson").getLong("id")).isEqualTo(client.userId);
    assertThat(users.json().getJsonObject("Pagination")).isNotNull();
    assertThat(users.header("X-Bunq-Client-Request-Id")).isEqualTo(requestId);
    assertThat(users.header("X-Bunq-Client-Response-Id")).matches("[0-9a-f-]{36}");
    assertThat(users.header("Content-Type")).startsWith("application/json");
    assertThat(client.serverSignatureValid(users)).isTrue();
  }

  @Test
  void listsTheUsersBankAccountWithIbanAndInitialBalance() {
    TestClient client = TestClient.withSession(emulator.baseUrl());
    Reply accounts = client.get("/user/" + client.userId + "/monetary-account");
    JsonObject account = accounts.item(0, "MonetaryAccountBank");
    assertThat(account.getString("currency")).isEqualTo("EUR");
    assertThat(account.getString("description")).isEqualTo("bunq account");
    assertThat(account.getJsonObject("balance").getString("value")).isEqualTo("500.00");
    assertThat(account.getJsonObject("overdraft_limit").getString("value")).isEqualTo("0.00");
    assertThat(account.getLong("user_id")).isEqualTo(client.userId);
    assertThat(client.iban).matches("NL\\d{2}BUNQ\\d{10}");
    assertThat(client.serverSignatureValid(accounts)).isTrue();
    assertThat(client.get("/user/" + client.userId).item(0, "UserPerson").getLong("id")).isEqualTo(client.userId);
  }

  @Test
  void acceptsPemWithCrLfLineEndsAndWithoutFinalNewline() {
    TestClient crlf = new TestClient(emulator.baseUrl());
    assertThat(crlf.install(TestClient.pem(crlf.keys.getPublic(), "\r\n", true)).status()).isEqualTo(200);
    TestClient bare = new TestClient(emulator.baseUrl());
    assertThat(bare.install(TestClient.pem(bare.keys.getPublic(), "\n", false)).status()).isEqualTo(200);
  }

  @Test
  void rejectsInstallationWithBadPemNamingTheField() {
    Reply reply = new TestClient(emulator.baseUrl()).install("-----BEGIN PUBLIC KEY-----\nnot base64\n");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).contains("client_public_key");
  }

  @Test
  void sessionServerWithoutSignatureIsRejectedWith466() {
    TestClient client = registeredClient();
    Reply reply = client.send("POST", "/session-server", client.installationToken,
        new JsonObject().put("secret", client.apiKey).encode(), false);
    assertThat(reply.status()).isEqualTo(466);
    assertThat(reply.errorDescription()).contains("request signature is required");
    assertThat(client.serverSignatureValid(reply)).as("error bodies are signed too").isTrue();
  }

  @Test
  void sessionServerWithWrongSignatureIsRejectedWith401() {
    TestClient client = registeredClient();
    String body = new JsonObject().put("secret", client.apiKey).encode();
    String foreign = TestClient.sign(TestClient.generateKeys().getPrivate(), body.getBytes());
    Reply reply = client.send("POST", "/session-server", client.installationToken, body, foreign, Map.of());
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorDescription()).isEqualTo("The request signature is invalid.");
  }

  @Test
  void sessionServerWithUnknownApiKeyIsACredentialsError() {
    TestClient client = registeredClient();
    Reply reply = client.openSession("sandbox_" + "0".repeat(56));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription())
        .isEqualTo("User credentials are incorrect. Incorrect API key or IP address.");
  }

  @Test
  void sessionServerNeedsADeviceOnThisInstallation() {
    TestClient registered = registeredClient();
    TestClient other = new TestClient(emulator.baseUrl());
    other.install();
    Reply reply = other.openSession(registered.apiKey);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).startsWith("User credentials are incorrect.");
  }

  @Test
  void deviceServerNeedsInstallationTokenAndKnownKey() {
    TestClient client = new TestClient(emulator.baseUrl());
    client.install();
    String body = new JsonObject().put("description", "x").put("secret", "sandbox_nope").encode();
    assertThat(client.send("POST", "/device-server", "garbage", body, false).status()).isEqualTo(403);
    Reply unknownKey = client.send("POST", "/device-server", client.installationToken, body, true);
    assertThat(unknownKey.status()).isEqualTo(400);
    assertThat(unknownKey.errorDescription()).startsWith("User credentials are incorrect.");
  }

  @Test
  void sessionEndpointsRejectInstallationTokenWith401AndUnknownTokensWith403() {
    TestClient client = TestClient.withSession(emulator.baseUrl());
    Reply installationToken = client.send("GET", "/user", client.installationToken, "", false);
    assertThat(installationToken.status()).isEqualTo(401);
    assertThat(installationToken.errorDescription()).isEqualTo("Insufficient authorisation.");
    for (String token : Arrays.asList("garbage", "", null)) {
      Reply reply = client.send("GET", "/user", token, "", false);
      assertThat(reply.status()).isEqualTo(403);
      assertThat(reply.errorDescription()).isEqualTo("Insufficient authentication.");
    }
  }

  @Test
  void anotherUsersPathIsNotFound() {
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    Reply reply = alice.get("/user/" + bob.userId + "/monetary-account");
    assertThat(reply.status()).isEqualTo(404);
    Reply account = alice.get("/user/" + alice.userId + "/monetary-account-bank/" + bob.accountId);
    assertThat(account.status()).isEqualTo(404);
    assertThat(account.errorDescription()).isEqualTo("Monetary account for id \"" + bob.accountId + "\" not found.");
  }

  @Test
  void sessionExpiresAfterSessionTimeout(Vertx vertx) throws Exception {
    Emulators.stop(emulator);
    ManualClock clock = ManualClock.startingNow();
    emulator = Emulators.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(60).setClock(clock));
    TestClient client = TestClient.withSession(emulator.baseUrl());
    clock.advance(Duration.ofSeconds(29));
    assertThat(client.get("/user").status()).as("31 s before expiry: no extension").isEqualTo(200);
    clock.advance(Duration.ofSeconds(32));
    Reply expired = client.get("/user");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.errorDescription()).isEqualTo("Insufficient authorisation.");
  }

  private TestClient registeredClient() {
    TestClient client = new TestClient(emulator.baseUrl());
    client.apiKey = client.createSandboxUser();
    client.install();
    client.registerDevice(client.apiKey);
    return client;
  }
}
