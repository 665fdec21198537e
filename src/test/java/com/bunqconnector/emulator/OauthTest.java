package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bunq's OAuth authorization-code flow and the UserApiKey sessions its access tokens open. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OauthTest {

  private static final String REDIRECT = "https://app.example/callback";
  private static final String CLIENT_ID = "test-client";
  private static final String SECRET = "test-secret";

  private final ManualClock clock = ManualClock.startingAt(Instant.parse("2025-06-02T10:00:00Z"));
  private BunqEmulator emulator;
  private OauthFlow oauth;
  private SeededUser owner;
  private SeededUser granter;
  private SeededUser other;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    EmulatorSeed seed = new EmulatorSeed(new JsonObject("""
        {"users": [
           {"kind": "company", "displayName": "App Maker B.V.", "sessionTimeoutSeconds": 900},
           {"kind": "person", "displayName": "Grace Granter", "balance": "300.00"},
           {"kind": "person", "displayName": "Otto Other"}],
         "oauthClients": [{"clientId": "test-client", "clientSecret": "test-secret",
           "redirectUris": ["https://app.example/callback"], "owner": "App Maker B.V."}]}"""));
    emulator = Emulators.start(vertx, new EmulatorOptions().setClock(clock).setSeed(seed));
    oauth = new OauthFlow(emulator);
    owner = emulator.seededUsers().get(0);
    granter = emulator.seededUsers().get(1);
    other = emulator.seededUsers().get(2);
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void appFiltersAreKeptApartFromTheGrantersOwnAndBothUrlSetsAreCalled(Vertx vertx) throws Exception {
    CallbackReceiver receiver = CallbackReceiver.start(vertx);
    try {
      String code = oauth.code(CLIENT_ID, REDIRECT, "f", Long.toString(granter.userId()));
      TestClient app = TestClient.withSession(emulator.baseUrl(), oauth.token(code, REDIRECT, CLIENT_ID, SECRET)
          .json().getString("access_token"));
      TestClient grace = TestClient.withSession(emulator.baseUrl(), granter.apiKey());
      grace.loadAccount();
      ResourceCalls.setUserFilters(grace, receiver.url("/grace"), "MUTATION");
      ResourceCalls.setUserFilters(app, receiver.url("/app"), "MUTATION");

      JsonObject own = grace.get("/user/" + grace.userId + "/notification-filter-url")
          .item(0, "NotificationFilterUrl");
      assertThat(own.getString("notification_target")).as("the app replaced nothing of grace's")
          .isEqualTo(receiver.url("/grace"));
      Reply appFilters = app.get("/user/" + app.userId + "/notification-filter-url");
      assertThat(appFilters.items()).hasSize(1);
      assertThat(appFilters.item(0, "NotificationFilterUrl").getString("notification_target"))
          .isEqualTo(receiver.url("/app"));

      JsonObject push = new JsonObject().put("notification_filters", new JsonArray()
          .add(new JsonObject().put("category", "MUTATION")));
      assertThat(ResourceCalls.post(app, "/user/" + app.userId + "/notification-filter-push", push).status())
          .isEqualTo(200);
      assertThat(app.get("/user/" + app.userId + "/notification-filter-push").items()).hasSize(1);
      assertThat(grace.get("/user/" + grace.userId + "/notification-filter-push").items())
          .as("the app's push filters are its own too").isEmpty();

      Reply paid = grace.pay(Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "watched").encode());
      assertThat(paid.status()).as(paid.text()).isEqualTo(200);
      assertThat(receiver.take(2)).extracting(CallbackReceiver.Received::summary).containsExactlyInAnyOrder(
          "/grace MUTATION MUTATION_CREATED", "/app MUTATION MUTATION_CREATED");
    } finally {
      receiver.close();
    }
  }

  @Test
  void accessTokenOpensAUserApiKeySessionOnTheGrantersAccounts() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "xyz-123", Long.toString(granter.userId()));
    Reply token = oauth.token(code, REDIRECT, CLIENT_ID, SECRET);
    assertThat(token.status()).as(token.text()).isEqualTo(200);
    JsonObject json = token.json();
    assertThat(json.fieldNames()).containsExactly("access_token", "token_type", "state");
    assertThat(json.getString("access_token")).matches("[0-9a-f]{64}");
    assertThat(json.getString("token_type")).isEqualTo("bearer");
    assertThat(json.getString("state")).isEqualTo("xyz-123");

    TestClient app = TestClient.withSession(emulator.baseUrl(), json.getString("access_token"));
    assertThat(app.userKind).isEqualTo("UserApiKey");
    JsonObject apiKey = app.get("/user").item(0, "UserApiKey");
    assertThat(apiKey.fieldNames()).containsExactly("id", "created", "updated", "requested_by_user",
        "granted_by_user");
    assertThat(apiKey.getLong("id")).isEqualTo(app.userId).isNotIn(owner.userId(), granter.userId());
    JsonObject requested = apiKey.getJsonObject("requested_by_user").getJsonObject("UserCompany");
    assertThat(requested.getString("display_name")).isEqualTo("App Maker B.V.");
    assertThat(requested.getInteger("session_timeout")).isEqualTo(900);
    JsonObject granted = apiKey.getJsonObject("granted_by_user").getJsonObject("UserPerson");
    assertThat(granted.getString("display_name")).isEqualTo("Grace Granter");
    assertThat(app.get("/user/" + app.userId).item(0, "UserApiKey")).isEqualTo(apiKey);

    app.loadAccount();
    assertThat(app.iban).isEqualTo(granter.iban());
    assertThat(app.balance()).isEqualTo("300.00");
    long savings = ResourceCalls.create(app, "/user/" + app.userId + "/monetary-account-bank",
        new JsonObject().put("currency", "EUR"));
    String savingsIban = SharedEmulator.iban(app, savings);
    Reply paid = app.pay(Emulators.payment("12.50", "IBAN", savingsIban, "via the app").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    assertThat(app.balance()).isEqualTo("287.50");
    assertThat(app.get("/user/" + granter.userId() + "/monetary-account").status())
        .as("the granter's own user id is not this session's").isEqualTo(404);
  }

  @Test
  void anOauthSessionMayNotPayOthersNorChangeAccountsDraftsOrRequests() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    String accessToken = oauth.token(code, REDIRECT, CLIENT_ID, SECRET).json().getString("access_token");
    TestClient app = TestClient.withSession(emulator.baseUrl(), accessToken);
    app.loadAccount();
    Reply paid = app.pay(Emulators.payment("1.00", "IBAN", other.iban(), "to someone else").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(403);
    assertThat(paid.errorDescription())
        .isEqualTo("An OAuth connection may not pay anyone but the granting user's own monetary accounts.");
    Reply external = app.pay(Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "outside").encode());
    assertThat(external.status()).isEqualTo(403);
    assertThat(app.balance()).as("nothing was booked").isEqualTo("300.00");

    String account = ResourceCalls.accountPath(app);
    Reply renamed = ResourceCalls.put(app, "/user/" + app.userId + "/monetary-account-bank/" + app.accountId,
        new JsonObject().put("description", "renamed"), false);
    assertThat(renamed.status()).as(renamed.text()).isEqualTo(403);
    assertThat(ResourceCalls.put(app, account + "/draft-payment/1", new JsonObject().put("status", "CANCELLED"),
        false).status()).isEqualTo(403);
    assertThat(ResourceCalls.put(app, account + "/request-inquiry/1", new JsonObject().put("status", "REVOKED"),
        false).status()).isEqualTo(403);
    assertThat(ResourceCalls.put(app, account + "/request-response/1", new JsonObject().put("status", "REJECTED"),
        false).status()).isEqualTo(403);
    assertThat(app.get(account + "/payment").status()).as("reading stays allowed").isEqualTo(200);
  }

  @Test
  void oauthSessionTimesOutAfterTheRequestingUsersTimeout() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    String accessToken = oauth.token(code, REDIRECT, CLIENT_ID, SECRET).json().getString("access_token");
    TestClient app = TestClient.withSession(emulator.baseUrl(), accessToken);
    clock.advance(Duration.ofSeconds(900 - 31));
    assertThat(app.get("/user").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(32));
    assertThat(app.get("/user").status()).as("900 s, the app owner's timeout, not the granter's").isEqualTo(401);
  }

  @Test
  void aCodeWorksOnceThenIsAnInvalidGrant() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    assertThat(oauth.token(code, REDIRECT, CLIENT_ID, SECRET).status()).isEqualTo(200);
    Reply again = oauth.token(code, REDIRECT, CLIENT_ID, SECRET);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json()).isEqualTo(new JsonObject().put("error", "invalid_grant")
        .put("error_description", "The authorization code is invalid or expired."));
    assertThat(again.header("X-Bunq-Server-Signature")).isNull();
  }

  @Test
  void aCodeExpiresAfterTenMinutes() {
    String fresh = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    String stale = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(oauth.token(fresh, REDIRECT, CLIENT_ID, SECRET).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    Reply expired = oauth.token(stale, REDIRECT, CLIENT_ID, SECRET);
    assertThat(expired.status()).isEqualTo(400);
    assertThat(expired.json().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void aCodeIsBoundToItsRedirectUri() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    Reply reply = oauth.token(code, "https://app.example/other", CLIENT_ID, SECRET);
    assertThat(reply.json().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void authorizeRefusesUnknownClientsAndUnregisteredRedirectsWithoutRedirecting() {
    Reply unknown = oauth.authorize(OauthFlow.request("nobody", REDIRECT, "s"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.header("Location")).isNull();
    assertThat(unknown.errorDescription()).contains("client_id");
    Reply elsewhere = oauth.authorize(OauthFlow.request(CLIENT_ID, "https://evil.example/cb", "s"));
    assertThat(elsewhere.status()).isEqualTo(400);
    assertThat(elsewhere.header("Location")).isNull();
    assertThat(elsewhere.errorDescription()).contains("redirect_uri");
    Map<String, String> implicit = OauthFlow.request(CLIENT_ID, REDIRECT, "s");
    implicit.put("response_type", "token");
    assertThat(oauth.authorize(implicit).errorDescription()).contains("response_type");
    Map<String, String> noClient = OauthFlow.request(null, REDIRECT, "s");
    assertThat(oauth.authorize(noClient).errorDescription()).isEqualTo("Parameter \"client_id\" is required.");
  }

  @Test
  void withoutAGrantorTheFirstPersonOtherThanTheOwnerGrants() {
    Reply reply = oauth.authorize(OauthFlow.request(CLIENT_ID, REDIRECT, null));
    assertThat(reply.status()).isEqualTo(302);
    assertThat(reply.header("Location")).doesNotContain("state=");
    String code = reply.header("Location").replaceAll(".*code=", "");
    Reply token = oauth.token(code, REDIRECT, CLIENT_ID, SECRET);
    assertThat(token.json().getValue("state")).isNull();
    TestClient app = TestClient.withSession(emulator.baseUrl(), token.json().getString("access_token"));
    app.loadAccount();
    assertThat(app.iban).isEqualTo(granter.iban());
  }

  @Test
  void theApiKeyParameterNamesTheGrantor() {
    Map<String, String> params = OauthFlow.request(CLIENT_ID, REDIRECT, "s");
    params.put("api_key", other.apiKey());
    String location = oauth.authorize(params).header("Location");
    String code = location.replaceAll(".*code=([0-9a-f]+).*", "$1");
    String accessToken = oauth.token(code, REDIRECT, CLIENT_ID, SECRET).json().getString("access_token");
    TestClient app = TestClient.withSession(emulator.baseUrl(), accessToken);
    app.loadAccount();
    assertThat(app.iban).isEqualTo(other.iban());
  }

  @Test
  void tokenRequestsWithWrongCredentialsOrParametersInTheBodyAreRefused() {
    String code = oauth.code(CLIENT_ID, REDIRECT, "s", Long.toString(granter.userId()));
    Reply wrongSecret = oauth.token(code, REDIRECT, CLIENT_ID, "not-the-secret");
    assertThat(wrongSecret.status()).isEqualTo(400);
    assertThat(wrongSecret.json().getString("error")).isEqualTo("invalid_client");
    String form = OauthFlow.query(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", REDIRECT, "client_id", CLIENT_ID, "client_secret", SECRET));
    Reply inBody = oauth.send("POST", "/v1/token", form);
    assertThat(inBody.status()).isEqualTo(400);
    assertThat(inBody.json().getString("error")).isEqualTo("invalid_request");
    assertThat(inBody.json().getString("error_description")).contains("URL query");
    Reply password = oauth.send("POST", "/v1/token?grant_type=password", "");
    assertThat(password.json().getString("error")).isEqualTo("unsupported_grant_type");
  }
}
