package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signatures are required where bunq requires them, and checked when present elsewhere only in
 * strict mode; header names are matched case-insensitively.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SignatureModeTest {

  private BunqEmulator emulator;

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  private TestClient clientOn(Vertx vertx, boolean strict) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setStrictSignatures(strict));
    return TestClient.withSession(emulator.baseUrl());
  }

  /** A signature of other bytes than the body: well-formed, but wrong. */
  private static String wrongSignature(TestClient client) {
    return TestClient.sign(client.keys.getPrivate(), "other bytes".getBytes(StandardCharsets.UTF_8));
  }

  /** A call with lower-case header names only. */
  private static Reply lowerCase(TestClient client, String method, String path, String token, String body,
      String signature) {
    return client.send(method, path, null, body, null,
        Map.of("x-bunq-client-authentication", token, "x-bunq-client-signature", signature));
  }

  @Test
  void withoutStrictModeAWrongSignatureIsIgnoredWhereBunqRequiresNone(Vertx vertx) throws Exception {
    TestClient client = clientOn(vertx, false);
    assertThat(lowerCase(client, "GET", "/user", client.sessionToken, "", wrongSignature(client)).status())
        .isEqualTo(200);
    TestClient fresh = new TestClient(emulator.baseUrl());
    fresh.install();
    String device = new JsonObject().put("description", "x").put("secret", client.apiKey).encode();
    assertThat(fresh.send("POST", "/device-server", fresh.installationToken, device, wrongSignature(fresh), Map.of())
        .status()).isEqualTo(200);
  }

  @Test
  void withoutStrictModeRequiredSignaturesAreStillCheckedWithLowerCaseHeaderNames(Vertx vertx) throws Exception {
    TestClient client = clientOn(vertx, false);
    String body = Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "lower case").encode();
    Reply wrong = lowerCase(client, "POST", client.paymentsPath(), client.sessionToken, body, wrongSignature(client));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorDescription()).isEqualTo("The request signature is invalid.");
    String right = TestClient.sign(client.keys.getPrivate(), body.getBytes(StandardCharsets.UTF_8));
    assertThat(lowerCase(client, "POST", client.paymentsPath(), client.sessionToken, body, right).status())
        .isEqualTo(200);
  }

  @Test
  void strictModeRefusesAWrongSignatureOnAnyCallWithAToken(Vertx vertx) throws Exception {
    TestClient client = clientOn(vertx, true);
    Reply get = lowerCase(client, "GET", "/user", client.sessionToken, "", wrongSignature(client));
    assertThat(get.status()).isEqualTo(401);
    assertThat(get.errorDescription()).isEqualTo("The request signature is invalid.");
    assertThat(client.serverSignatureValid(get)).isTrue();

    TestClient fresh = new TestClient(emulator.baseUrl());
    fresh.install();
    String device = new JsonObject().put("description", "x").put("secret", client.apiKey).encode();
    Reply deviceServer = fresh.send("POST", "/device-server", fresh.installationToken, device, wrongSignature(fresh),
        Map.of());
    assertThat(deviceServer.status()).isEqualTo(401);
    assertThat(deviceServer.errorDescription()).isEqualTo("The request signature is invalid.");
  }

  @Test
  void strictModeAcceptsRightAndMissingSignaturesWhereBunqRequiresNone(Vertx vertx) throws Exception {
    TestClient client = clientOn(vertx, true);
    String emptyBodySignature = TestClient.sign(client.keys.getPrivate(), new byte[0]);
    assertThat(lowerCase(client, "GET", "/user", client.sessionToken, "", emptyBodySignature).status())
        .isEqualTo(200);
    assertThat(client.get("/user").status()).as("unsigned").isEqualTo(200);
    String body = Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "strict").encode();
    assertThat(client.send("POST", client.paymentsPath(), client.sessionToken, body, false).status())
        .as("still required for payments").isEqualTo(466);
    assertThat(client.pay(body).status()).isEqualTo(200);
  }
}
