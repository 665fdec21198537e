package com.bunqconnector.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.bunqconnector.api.ApiCall;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApiRequestsTest {

  private static JsonObject request() {
    return new JsonObject().put("tenant", "acme").put("user", "alice").put("method", "get")
        .put("path", "/v1/user/{userId}/monetary-account/12/payment");
  }

  @Test
  void readsAFullRequest() {
    ApiCall call = ApiRequests.parse(request()
        .put("method", "POST")
        .put("query", new JsonObject().put("count", 10).put("older_id", "5"))
        .put("body", new JsonObject().put("description", "caf\u00e9")));
    assertThat(call.method()).isEqualTo(HttpMethod.POST);
    assertThat(call.path()).isEqualTo("/user/{userId}/monetary-account/12/payment");
    assertThat(call.query()).containsEntry("count", "10").containsEntry("older_id", "5");
    assertThat(call.body().toString()).isEqualTo("{\"description\":\"caf\u00e9\"}");
  }

  @Test
  void acceptsALowerCaseMethodAndAListBody() {
    ApiCall call = ApiRequests.parse(request().put("method", "put").put("body", new JsonArray().add(1)));
    assertThat(call.method()).isEqualTo(HttpMethod.PUT);
    assertThat(call.body().toString()).isEqualTo("[1]");
  }

  @ParameterizedTest(name = "{0} = {1} is rejected naming {2}")
  @CsvSource(delimiter = '|', value = {
      "tenant | | tenant: is missing",
      "user | '' | user: must be a non-empty string",
      "method | PATCH | method: must be one of",
      "path | user/1 | path: must be a bunq path",
      "path | /user/../installation | path: must be a bunq path",
      "path | /user/1?count=2 | path: must be a bunq path",
      "path | /user/{id}/x | path: the only placeholder is {userId}",
      "path | http://evil.example/v1/user | path: must be a bunq path"})
  void rejectsABadField(String field, String value, String message) {
    JsonObject request = request();
    if (value == null) {
      request.remove(field);
    } else {
      request.put(field, value);
    }
    assertThatThrownBy(() -> ApiRequests.parse(request)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message);
  }

  @Test
  void timeoutBecomesTheCallersDeadline() {
    long before = System.currentTimeMillis();
    ApiCall call = ApiRequests.parse(request().put("timeoutMs", 5_000));
    assertThat(call.deadlineMs()).isBetween(before + 5_000, System.currentTimeMillis() + 5_000);
    assertThat(ApiRequests.parse(request()).deadlineMs()).as("no deadline").isZero();
  }

  @ParameterizedTest(name = "timeoutMs {0} is rejected")
  @CsvSource(delimiter = '|', value = {"0", "-5", "86400001", "1.5", "true", "\"500\""})
  void rejectsATimeoutOutsideOneMillisecondToADay(String value) {
    Object timeout = new JsonObject("{\"v\":" + value + "}").getValue("v");
    assertThatThrownBy(() -> ApiRequests.parse(request().put("timeoutMs", timeout)))
        .hasMessageContaining("timeoutMs: must be a whole number of milliseconds from 1 to 86400000");
  }

  @Test
  void rejectsAnUnknownFieldNamingIt() {
    assertThatThrownBy(() -> ApiRequests.parse(request().put("qeury", new JsonObject().put("count", 1))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("qeury: is not a field of a bunq.api request")
        .hasMessageContaining("all, body, limit, method, path, query, tenant, timeoutMs, user");
  }

  @Test
  void rejectsATenantOrUserThatIsNotAConfiguredId() {
    List<String> bad = List.of("Acme", "acme.corp", "-alice", "alice bob", "ac\0me", "alice\u202e", "x".repeat(64));
    for (String field : List.of("tenant", "user")) {
      for (String id : bad) {
        assertThatThrownBy(() -> ApiRequests.parse(request().put(field, id))).as(field + " " + id)
            .isInstanceOf(InvalidRequestException.class)
            .hasMessageStartingWith(field + ": must be an id of the configuration");
      }
    }
    assertThat(ApiRequests.parse(request().put("tenant", "a").put("user", "x".repeat(63))).user()).hasSize(63);
  }

  @Test
  void neverQuotesLongOrStrangeInputInItsMessages() {
    String huge = "a".repeat(5_000_000);
    for (String field : List.of("tenant", "user", "method")) {
      Throwable e = catchThrowable(() -> ApiRequests.parse(request().put(field, huge)));
      assertThat(e).isInstanceOf(InvalidRequestException.class);
      assertThat(e.getMessage()).hasSizeLessThan(300).contains("5000000 characters");
    }
    Throwable forged = catchThrowable(() -> ApiRequests.parse(request().put("tenant", "acme\nINFO forged")));
    assertThat(forged.getMessage()).doesNotContain("\n", "forged");
    Throwable field = catchThrowable(() -> ApiRequests.parse(request().put("x\u0000\u202e" + huge, 1)));
    assertThat(field.getMessage()).hasSizeLessThan(300).doesNotContain("\u0000", "\u202e");
    Throwable key = catchThrowable(() -> ApiRequests.parse(request().put("query", new JsonObject()
        .put("k\n" + huge, new JsonArray()))));
    assertThat(key.getMessage()).hasSizeLessThan(300).doesNotContain("\n");
  }

  @Test
  void rejectsABodyOnAGet() {
    assertThatThrownBy(() -> ApiRequests.parse(request().put("body", new JsonObject())))
        .hasMessageContaining("body: GET requests carry no body");
  }

  @Test
  void rejectsNonScalarQueryValuesAndNonObjectBodies() {
    assertThatThrownBy(() -> ApiRequests.parse(request().put("query", new JsonObject().put("x", new JsonArray()))))
        .hasMessageContaining("query.x");
    assertThatThrownBy(() -> ApiRequests.parse(request().put("method", "POST").put("body", "text")))
        .hasMessageContaining("body: must be a JSON object or list");
    assertThatThrownBy(() -> ApiRequests.parse(request().put("query", "count=1")))
        .hasMessageContaining("query: must be an object");
  }

  @Test
  void rejectsAMessageThatIsNotAnObject() {
    assertThatThrownBy(() -> ApiRequests.parse("GET /user")).hasMessageContaining("message: must be a JSON object");
    assertThatThrownBy(() -> ApiRequests.parse(null)).hasMessageContaining("message");
  }
}
