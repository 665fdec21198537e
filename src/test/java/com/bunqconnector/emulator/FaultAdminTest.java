package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin endpoint {@code /emulator/admin/faults}, driven over HTTP like curl would. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultAdminTest {

  private static final String ADMIN = "/emulator/admin/faults";

  private BunqEmulator emulator;
  private TestClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    // bunq's limits stay on: the admin endpoint is outside /v1 and must not count against them.
    emulator = Emulators.startAsGiven(vertx, new EmulatorOptions().setRateLimits(new RateLimitOptions()
        .setSessionServerCalls(5)));
    client = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  private Reply admin(String method, String path, String body) {
    return client.send(method, path, null, body, false);
  }

  @Test
  void faultsAreInstalledListedAppliedAndCleared() {
    Reply added = admin("POST", ADMIN, new JsonObject().put("type", "server-error").put("status", 503)
        .put("method", "GET").put("path", "/v1/user").put("times", 1).encode());
    assertThat(added.status()).as(added.text()).isEqualTo(200);
    assertThat(added.header("Content-Type")).startsWith("application/json");
    String id = added.json().getString("id");
    assertThat(id).isNotBlank();

    JsonArray listed = admin("GET", ADMIN, "").json().getJsonArray("faults");
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(listed.getJsonObject(0).getInteger("remaining")).isEqualTo(1);

    Reply unavailable = client.get("/user");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.text()).contains("Service Unavailable");
    assertThat(admin("GET", ADMIN, "").json().getJsonArray("faults")).isEmpty();

    admin("POST", ADMIN, "{\"type\": \"too-many-requests\"}");
    admin("POST", ADMIN, "{\"type\": \"latency\", \"latencyMs\": 1}");
    assertThat(client.get("/user").status()).isEqualTo(429);
    assertThat(admin("DELETE", ADMIN, "").json().getInteger("removed")).isEqualTo(2);
    assertThat(client.get("/user").status()).isEqualTo(200);
    assertThat(admin("DELETE", ADMIN + "/fault-99", "").status()).isEqualTo(404);
  }

  @Test
  void actionsRunAtOnceAndAnswerWhatTheyAffected() {
    Reply expire = admin("POST", ADMIN, new JsonObject().put("type", "expire-session")
        .put("userId", client.userId).encode());
    assertThat(expire.status()).as(expire.text()).isEqualTo(200);
    assertThat(expire.json().getInteger("sessionsEnded")).isEqualTo(1);
    assertThat(client.get("/user").status()).isEqualTo(401);
    assertThat(client.openSession(client.apiKey).status()).isEqualTo(200);

    Reply rotate = admin("POST", ADMIN, new JsonObject().put("type", "rotate-server-key")
        .put("userId", client.userId).encode());
    assertThat(rotate.json().getInteger("installations")).isEqualTo(1);
    assertThat(client.serverSignatureValid(client.get("/user"))).isFalse();

    Reply revoke = admin("POST", ADMIN, new JsonObject().put("type", "revoke-api-key")
        .put("apiKey", client.apiKey).encode());
    assertThat(revoke.json().getInteger("sessionsEnded")).isEqualTo(1);
    assertThat(client.get("/user").status()).isEqualTo(401);
    assertThat(admin("GET", ADMIN, "").json().getJsonArray("faults")).as("actions are not faults").isEmpty();
  }

  @Test
  void mistakesGetA400NamingTheField() {
    assertThat(admin("POST", ADMIN, "{").json().getString("error")).contains("not valid JSON");
    Reply unknownType = admin("POST", ADMIN, "{\"type\": \"explode\"}");
    assertThat(unknownType.status()).isEqualTo(400);
    assertThat(unknownType.json().getString("error")).contains("type").contains("drop-after");
    assertThat(admin("POST", ADMIN, "{\"type\": \"latency\"}").json().getString("error")).contains("latencyMs");
    assertThat(admin("POST", ADMIN, "{\"type\": \"server-error\", \"status\": 200}").json().getString("error"))
        .contains("status");
    assertThat(admin("POST", ADMIN, "{\"type\": \"rotate-server-key\", \"userId\": \"x\"}").json()
        .getString("error")).contains("userId");
    assertThat(admin("POST", ADMIN, "{\"type\": \"expire-session\"}").json().getString("error"))
        .contains("token or userId");
    assertThat(admin("GET", ADMIN, "").json().getJsonArray("faults")).isEmpty();
  }

  @Test
  void theAdminEndpointIsNeitherRateLimitedNorFaulted() {
    admin("POST", ADMIN, "{\"type\": \"server-error\", \"status\": 502}");
    for (int i = 0; i < 6; i++) {
      assertThat(admin("GET", ADMIN, "").status()).isEqualTo(200);
    }
    assertThat(client.get("/user").status()).isEqualTo(502);
  }
}
