package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registering an OAuth client over the API ({@code oauth-client}, {@code callback-url}) and using it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OauthClientApiTest {

  private static final String REDIRECT = "http://127.0.0.1:9/oauth/done";

  private BunqEmulator emulator;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setSeed(EmulatorSeed.EMPTY.withGeneratedPersons(2)));
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void aRegisteredClientShowsItsCredentialsAndWorksForTheFlow() {
    TestClient developer = TestClient.withSession(emulator.baseUrl(), emulator.seededUsers().get(0).apiKey());
    String clients = "/user/" + developer.userId + "/oauth-client";
    Reply created = developer.send("POST", clients, developer.sessionToken, "{\"status\":\"ACTIVE\"}", true);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    long id = created.item(0, "Id").getLong("id");
    Reply url = developer.send("POST", clients + "/" + id + "/callback-url", developer.sessionToken,
        new JsonObject().put("url", REDIRECT).encode(), true);
    assertThat(url.status()).as(url.text()).isEqualTo(200);

    JsonObject client = developer.get(clients + "/" + id).item(0, "OauthClient");
    assertThat(client.fieldNames()).containsExactly("id", "status", "display_name", "client_id", "secret",
        "callback_url");
    assertThat(client.getString("status")).isEqualTo("ACTIVE");
    assertThat(client.getString("client_id")).matches("[0-9a-f]{64}");
    assertThat(client.getJsonArray("callback_url").getJsonObject(0).getString("url")).isEqualTo(REDIRECT);
    assertThat(developer.get(clients).item(0, "OauthClient")).isEqualTo(client);

    OauthFlow oauth = new OauthFlow(emulator);
    String code = oauth.code(client.getString("client_id"), REDIRECT, "st", null);
    Reply token = oauth.token(code, REDIRECT, client.getString("client_id"), client.getString("secret"));
    TestClient app = TestClient.withSession(emulator.baseUrl(), token.json().getString("access_token"));
    JsonObject apiKey = app.get("/user").item(0, "UserApiKey");
    assertThat(apiKey.getJsonObject("requested_by_user").getJsonObject("UserPerson").getString("display_name"))
        .isEqualTo(emulator.seededUsers().get(0).displayName());
    assertThat(apiKey.getJsonObject("granted_by_user").getJsonObject("UserPerson").getString("display_name"))
        .isEqualTo(emulator.seededUsers().get(1).displayName());

    Reply throughOauth = app.send("POST", "/user/" + app.userId + "/oauth-client", app.sessionToken, "{}", true);
    assertThat(throughOauth.status()).isEqualTo(403);
  }

  @Test
  void aUserHasOneActiveClientAtATimeAndACancelledClientsTokensStopWorking() {
    TestClient developer = TestClient.withSession(emulator.baseUrl(), emulator.seededUsers().get(0).apiKey());
    String clients = "/user/" + developer.userId + "/oauth-client";
    long id = developer.send("POST", clients, developer.sessionToken, "", true).item(0, "Id").getLong("id");
    Reply second = developer.send("POST", clients, developer.sessionToken, "", true);
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.errorDescription()).contains("one at a time");
    developer.send("POST", clients + "/" + id + "/callback-url", developer.sessionToken,
        new JsonObject().put("url", REDIRECT).encode(), true);
    JsonObject client = developer.get(clients + "/" + id).item(0, "OauthClient");
    OauthFlow oauth = new OauthFlow(emulator);
    String code = oauth.code(client.getString("client_id"), REDIRECT, "st", null);
    String accessToken = oauth.token(code, REDIRECT, client.getString("client_id"), client.getString("secret"))
        .json().getString("access_token");

    Reply cancelled = developer.send("PUT", clients + "/" + id, developer.sessionToken, "{\"status\":\"CANCELLED\"}",
        true);
    assertThat(cancelled.status()).isEqualTo(200);
    TestClient app = new TestClient(emulator.baseUrl());
    app.install();
    String body = new JsonObject().put("description", "app").put("secret", accessToken).encode();
    Reply device = app.send("POST", "/device-server", app.installationToken, body, true);
    assertThat(device.status()).isEqualTo(400);
    assertThat(device.errorDescription()).startsWith("User credentials are incorrect.");
    Reply badUrl = developer.send("POST", clients + "/" + id + "/callback-url", developer.sessionToken,
        new JsonObject().put("url", "not a url").encode(), true);
    assertThat(badUrl.status()).isEqualTo(400);
    assertThat(badUrl.errorDescription()).contains("\"url\"");
  }
}
