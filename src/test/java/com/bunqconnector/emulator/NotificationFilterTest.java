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

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotificationFilterTest {

  private BunqEmulator emulator;
  private TestClient client;
  private String path;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions());
    client = TestClient.withSession(emulator.baseUrl());
    path = "/user/" + client.userId + "/notification-filter-url";
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void postReplacesTheWholeSetAndEmptyListClearsIt() {
    Reply first = post(new JsonArray()
        .add(filter("MUTATION", "https://example.com/a"))
        .add(filter("PAYMENT", "https://example.com/a")));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.items()).hasSize(2);
    JsonObject item = first.item(0, "NotificationFilterUrl");
    assertThat(item.fieldNames()).containsExactly("id", "created", "updated", "category", "notification_target");
    assertThat(item.getString("category")).isEqualTo("MUTATION");

    Reply second = post(new JsonArray().add(filter("REQUEST", "http://127.0.0.1:9/cb")));
    assertThat(second.items()).hasSize(1);
    Reply listed = client.get(path);
    assertThat(listed.items()).hasSize(1);
    assertThat(listed.item(0, "NotificationFilterUrl").getString("notification_target"))
        .isEqualTo("http://127.0.0.1:9/cb");
    assertThat(client.serverSignatureValid(listed)).isTrue();

    assertThat(post(new JsonArray()).items()).isEmpty();
    assertThat(client.get(path).items()).isEmpty();
  }

  @Test
  void pushAndEmailFiltersAreSetsOfCategoriesKeptApartFromEachOtherAndFromUrlFilters() {
    String push = "/user/" + client.userId + "/notification-filter-push";
    String email = "/user/" + client.userId + "/notification-filter-email";
    Reply set = client.send("POST", push, client.sessionToken, categories("MUTATION", "SCHEDULE_RESULT"), false);
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    assertThat(set.item(1, "NotificationFilterPush")).isEqualTo(new JsonObject().put("category", "SCHEDULE_RESULT"));
    assertThat(client.send("POST", email, client.sessionToken, categories("PAYMENT"), false).status()).isEqualTo(200);

    Reply listed = client.get(push);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.items()).extracting(i -> ((JsonObject) i).getJsonObject("NotificationFilterPush")
        .getString("category")).containsExactly("MUTATION", "SCHEDULE_RESULT");
    assertThat(client.get(email).item(0, "NotificationFilterEmail").getString("category")).isEqualTo("PAYMENT");
    assertThat(client.get(path).items()).as("no URL filter came of them").isEmpty();

    Reply repeated = client.send("POST", push, client.sessionToken, categories("MUTATION", "MUTATION"), false);
    assertThat(repeated.status()).isEqualTo(400);
    assertThat(repeated.text()).contains("notification_filters[1].category");
    Reply unknown = client.send("POST", email, client.sessionToken, categories("NOPE"), false);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(client.get(push).items()).as("a refused POST replaces nothing").hasSize(2);
    assertThat(client.send("POST", push, client.sessionToken, categories(), false).items()).isEmpty();
    assertThat(client.get(push).items()).isEmpty();
  }

  private static String categories(String... categories) {
    JsonArray filters = new JsonArray();
    for (String category : categories) {
      filters.add(new JsonObject().put("category", category));
    }
    return new JsonObject().put("notification_filters", filters).encode();
  }

  @Test
  void rejectsAThirdUrlInOneCategory() {
    Reply reply = post(new JsonArray()
        .add(filter("MUTATION", "https://example.com/1"))
        .add(filter("MUTATION", "https://example.com/2"))
        .add(filter("MUTATION", "https://example.com/3")));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).contains("MUTATION");
  }

  @Test
  void rejectsUnknownCategoryAndInvalidTargetNamingTheField() {
    Reply category = post(new JsonArray().add(filter("WEATHER", "https://example.com/1")));
    assertThat(category.status()).isEqualTo(400);
    assertThat(category.errorDescription()).contains("notification_filters[0].category");
    Reply target = post(new JsonArray()
        .add(filter("MUTATION", "https://example.com/1"))
        .add(filter("PAYMENT", "ftp:x")));
    assertThat(target.status()).isEqualTo(400);
    assertThat(target.errorDescription()).contains("notification_filters[1].notification_target");
    Reply missing = client.send("POST", path, client.sessionToken, "{}", false);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorDescription()).contains("notification_filters");
  }

  @Test
  void withHttpsCallbacksOnlyAnHttpTargetIsRefusedAndNothingIsReplaced(Vertx vertx) throws Exception {
    BunqEmulator strict = Emulators.start(vertx, new EmulatorOptions().setHttpsCallbacksOnly(true));
    try {
      TestClient user = TestClient.withSession(strict.baseUrl());
      String filters = "/user/" + user.userId + "/notification-filter-url";
      String https = new JsonObject().put("notification_filters", new JsonArray()
          .add(filter("MUTATION", "HTTPS://example.com/a"))).encode();
      assertThat(user.send("POST", filters, user.sessionToken, https, false).status()).isEqualTo(200);
      String http = new JsonObject().put("notification_filters", new JsonArray()
          .add(filter("PAYMENT", "https://example.com/b"))
          .add(filter("MUTATION", "http://127.0.0.1:9/cb"))).encode();
      Reply refused = user.send("POST", filters, user.sessionToken, http, false);
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.errorDescription()).isEqualTo("Field \"notification_filters[1].notification_target\" must"
          + " be an https URL: bunq delivers callbacks over https only.");
      assertThat(user.get(filters).items()).as("the earlier set stays").hasSize(1);
    } finally {
      Emulators.stop(strict);
    }
  }

  private Reply post(JsonArray filters) {
    String body = new JsonObject().put("notification_filters", filters).encode();
    return client.send("POST", path, client.sessionToken, body, false);
  }

  private static JsonObject filter(String category, String target) {
    return new JsonObject().put("category", category).put("notification_target", target);
  }
}
