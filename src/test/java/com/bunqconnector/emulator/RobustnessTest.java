package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RobustnessTest {

  private BunqEmulator emulator;
  private TestClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions());
    client = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void malformedJsonGetsA400ErrorEnvelope() {
    Reply reply = client.pay("{\"amount\": ");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).contains("not valid JSON");
    assertThat(reply.json().getJsonArray("Error").getJsonObject(0).fieldNames())
        .containsExactly("error_description", "error_description_translated");
    assertThat(client.serverSignatureValid(reply)).isTrue();
  }

  @Test
  void nonObjectBodiesAndWrongTypesAreNamed() {
    assertThat(client.send("POST", "/installation", null, "[1,2]", false).errorDescription())
        .contains("JSON object");
    Reply wrongType = client.send("POST", "/installation", null, "{\"client_public_key\": 42}", false);
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.errorDescription()).isEqualTo("Field \"client_public_key\" must be a string.");
    Reply missing = client.send("POST", "/session-server", client.installationToken, "{}", true);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorDescription()).contains("\"secret\"");
  }

  @Test
  void unknownPathGets404ErrorEnvelopeWithIdHeaders() {
    Reply reply = client.get("/user/" + client.userId + "/no-such-thing");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().getJsonArray("Error")).hasSize(1);
    assertThat(reply.header("X-Bunq-Client-Response-Id")).isNotBlank();
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(client.serverSignatureValid(reply)).isTrue();
  }

  /** Its answer is signed, so sent later: Vert.x's plain 413 page once got there first, about every other time. */
  @Test
  void hugeBodyOfASessionCallGetsASigned400EveryTime() {
    String huge = "x".repeat((int) EmulatorVerticle.BODY_LIMIT_BYTES + 1);
    for (int i = 0; i < 10; i++) {
      Reply reply = client.send("POST", client.paymentsPath(), client.sessionToken, huge, false);
      assertThat(reply.status()).as("call %d: %s", i, reply.text()).isEqualTo(400);
      assertThat(reply.errorDescription()).contains("larger than the limit");
      assertThat(client.serverSignatureValid(reply)).isTrue();
    }
  }

  @Test
  void wrongMethodGets405ErrorEnvelope() {
    Reply reply = client.send("DELETE", "/installation", null, "", false);
    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.errorDescription()).contains("DELETE");
  }

  @Test
  void hugeBodyGetsA400NamingTheLimit() {
    String huge = new JsonObject().put("description", "x".repeat(2 * 1024 * 1024)).encode();
    Reply reply = client.send("POST", "/installation", null, huge, false);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).contains("larger than the limit");
  }

  @Test
  void emptyBodyIsAcceptedOnlyWhereBunqAllowsIt() {
    assertThat(client.send("POST", "/sandbox-user-person", null, "{}", false).status()).isEqualTo(200);
    Reply empty = client.send("POST", "/installation", null, "", false);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.errorDescription()).contains("empty");
  }

  @Test
  void requestsHttpCannotReadGetAnErrorEnvelopeWithTheStatusHttpGives() throws Exception {
    String tooLongLine = "GET /v1/user/" + "1".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    assertUnreadable(tooLongLine, 414, "The request line is longer than the emulator reads.");
    String tooLongHeaders = "GET /v1/user HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bunq-Attachment-Description: "
        + "d".repeat(10_000) + "\r\n\r\n";
    assertUnreadable(tooLongHeaders, 431, "The request headers are larger than the emulator reads.");
    assertUnreadable("GET /v1/user HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", 400,
        "The request could not be read as HTTP.");
  }

  /** Sends {@code request} as raw bytes and checks the answer, which must come with the connection closed. */
  private void assertUnreadable(String request, int status, String description) throws Exception {
    URI base = URI.create(emulator.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).matches("(?s)HTTP/1\\.[01] " + status + " .*");
      assertThat(answer.toLowerCase(Locale.ROOT)).contains("content-type: application/json");
      JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(body.getJsonArray("Error").getJsonObject(0).getString("error_description")).isEqualTo(description);
    }
  }
}
