package com.bunqconnector.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.conformance.KnownDeviations.Deviation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance check itself: it finds what it should, names the JSON path, and its known
 * deviations are still needed. Without these tests a check that never fails would look green.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BunqOpenApiTest {

  private static final BunqOpenApi API = BunqOpenApi.shared();
  private static final ApiConformance CONFORMANCE = new ApiConformance(API);
  private static final String PAYMENT = "/user/{userID}/monetary-account/{monetary-accountID}/payment";

  private static JsonObject payment() {
    return new JsonObject()
        .put("id", 7).put("created", "2025-01-01 10:00:00.000000").put("updated", "2025-01-01 10:00:00.000000")
        .put("monetary_account_id", 3)
        .put("amount", new JsonObject().put("currency", "EUR").put("value", "-1.00"))
        .put("alias", new JsonObject().put("iban", "NL19BUNQ2025192010").put("display_name", "A").put("avatar", null))
        .put("description", "x").put("type", "BUNQ").put("sub_type", "PAYMENT")
        .put("maturity_date", "2025-01-01").put("allow_chat", true).put("attachment", new JsonArray());
  }

  private static JsonObject listing(JsonObject... items) {
    JsonArray response = new JsonArray();
    for (JsonObject item : items) {
      response.add(item);
    }
    return new JsonObject().put("Response", response).put("Pagination", new JsonObject()
        .put("future_url", "/v1/user/1/monetary-account/3/payment?count=10&newer_id=7")
        .put("newer_url", null).put("older_url", null));
  }

  private static List<Violation> listPayments(JsonObject body) {
    return CONFORMANCE.response(API.operation("GET", PAYMENT), body);
  }

  @Test
  void acceptsAPaymentListingWithNullsForAbsentValues() {
    assertThat(listPayments(listing(new JsonObject().put("Payment", payment())))).isEmpty();
  }

  @Test
  void reportsWrongTypesAndUnknownFieldsWithTheirJsonPath() {
    JsonObject broken = payment().put("descripton", "typo");
    broken.getJsonObject("amount").put("value", -1.0);
    List<String> found = listPayments(listing(new JsonObject().put("Payment", payment()),
        new JsonObject().put("Payment", broken))).stream().map(Violation::where).toList();
    assertThat(found).containsExactlyInAnyOrder("$.Response[1].Payment.amount.value",
        "$.Response[1].Payment.descripton");
    assertThat(Violation.describe(listPayments(listing(new JsonObject().put("Payment", broken)))))
        .contains("$.Response[0].Payment.amount.value: Instance type number is invalid. Expected string"
            + " [components/schemas/Amount/properties/value/type]")
        .contains("$.Response[0].Payment.descripton: Property \"descripton\" does not match additional properties"
            + " schema [components/schemas/PaymentListing/additionalProperties]");
  }

  @Test
  void reportsAWrongWrapperAndAMissingPagination() {
    List<Violation> violations = listPayments(new JsonObject().put("Response", new JsonArray()
        .add(new JsonObject().put("Paymnt", payment()))
        .add(new JsonObject().put("Payment", payment()).put("Extra", new JsonObject()))));
    assertThat(violations).extracting(Violation::where)
        .contains("$.Response[0].Paymnt", "$.Response[1]", "$");
    assertThat(Violation.describe(violations)).contains("Pagination");
  }

  @Test
  void choosesTheSchemaPerWrapperTypeOfAPolymorphicListing() {
    JsonObject person = new JsonObject().put("id", 1).put("display_name", "A").put("session_timeout", 60);
    List<Violation> ok = CONFORMANCE.response(API.operation("GET", "/user"), listing(
        new JsonObject().put("UserPerson", person)));
    assertThat(ok).isEmpty();
    List<Violation> wrong = CONFORMANCE.response(API.operation("GET", "/user"), listing(
        new JsonObject().put("UserRobot", person),
        new JsonObject().put("UserCompany", person.copy().put("first_name", "A"))));
    assertThat(wrong).extracting(Violation::where).containsExactlyInAnyOrder("$.Response[0].UserRobot",
        "$.Response[1].UserCompany.first_name");
  }

  @Test
  void writeOnlyFieldsMayNotComeBackAndReadOnlyFieldsMayNotBeSent() {
    JsonObject echoed = payment().put("allow_bunqto", true);
    assertThat(listPayments(listing(new JsonObject().put("Payment", echoed))).toString()).contains("allow_bunqto");
    JsonObject body = new JsonObject()
        .put("amount", new JsonObject().put("value", "1.00").put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", "NL91ABNA0417164300")
            .put("name", "N"))
        .put("description", "x");
    Operation create = API.operation("POST", PAYMENT);
    assertThat(CONFORMANCE.request(create, body.toBuffer())).isEmpty();
    assertThat(CONFORMANCE.request(create, body.copy().put("id", 5).toBuffer())).extracting(Violation::where)
        .containsExactly("$.id");
  }

  @Test
  void requestBodiesMustBeJsonAndPresentWhereRequired() {
    Operation session = API.operation("POST", "/session-server");
    assertThat(CONFORMANCE.request(session, Buffer.buffer("{\"secret\":"))).extracting(Violation::problem)
        .singleElement().asString().startsWith("is not JSON");
    assertThat(CONFORMANCE.request(session, Buffer.buffer())).hasSize(1);
    assertThat(CONFORMANCE.request(session, Buffer.buffer("{}")).toString()).contains("secret");
    assertThat(CONFORMANCE.request(API.operation("GET", "/user"), Buffer.buffer("{}"))).hasSize(1);
  }

  @Test
  void errorBodiesNeedBothTextsInEveryError() {
    JsonObject error = new JsonObject().put("error_description", "Bad.").put("error_description_translated", "Bad.");
    assertThat(CONFORMANCE.error(new JsonObject().put("Error", new JsonArray().add(error)))).isEmpty();
    assertThat(CONFORMANCE.error(new JsonObject().put("Error", new JsonArray()
        .add(new JsonObject().put("error_description", "Bad."))))).hasSize(1);
    assertThat(CONFORMANCE.error(new JsonObject().put("Error", new JsonArray().add(error.copy().put("code", 1)))))
        .extracting(Violation::where).containsExactly("$.Error[0].code");
    assertThat(CONFORMANCE.error(new JsonObject().put("Response", new JsonArray()))).isNotEmpty();
  }

  @Test
  void findsTheOperationOfAConcretePath() {
    assertThat(API.find("POST", "/v1/user/12/monetary-account/34/payment")).map(Operation::template).hasValue(PAYMENT);
    assertThat(API.find("GET", "/v1/user/12/monetary-account-bank")).map(Operation::template)
        .hasValue("/user/{userID}/monetary-account-bank");
    assertThat(API.find("GET", "/v1/user/12/no-such-thing")).isEmpty();
    assertThatThrownBy(() -> API.operation("GET", "/no-such-thing")).hasMessageContaining("/no-such-thing");
  }

  @Test
  void everyKnownDeviationIsStillInBunqsDocumentAndNamesItsSource() {
    List<String> gone = new ArrayList<>();
    for (Deviation deviation : KnownDeviations.all()) {
      assertThat(deviation.protocol()).as(deviation.id()).startsWith("§");
      if (!deviation.stillInSwagger().test(API.original())) {
        gone.add(deviation.id());
      }
    }
    assertThat(gone).as("bunq fixed these in its document: remove them from KnownDeviations").isEmpty();
  }

  @Test
  void documentUsesNoOpenApiKeywordThatDraft4WouldIgnore() {
    String text = API.original().encode();
    for (String keyword : List.of("nullable", "discriminator", "oneOf", "anyOf", "allOf", "additionalProperties")) {
      assertThat(text).as("bunq's document now uses %s: review StrictProfile and ABSENT_IS_NULL", keyword)
          .doesNotContain("\"" + keyword + "\":");
    }
  }

  @Test
  void sandboxUserPersonIsCheckedAgainstWhatBunqSendsNotWhatItsDocumentSays() {
    Operation sandbox = API.operation("POST", "/sandbox-user-person");
    JsonObject apiKey = new JsonObject().put("Response", new JsonArray().add(new JsonObject()
        .put("ApiKey", new JsonObject().put("api_key", "sandbox_0123"))));
    assertThat(CONFORMANCE.response(sandbox, apiKey)).isEmpty();
    JsonObject documented = new JsonObject().put("Response", new JsonArray().add(new JsonObject()
        .put("Id", new JsonObject().put("id", 1))));
    assertThat(CONFORMANCE.response(sandbox, documented)).extracting(Violation::where)
        .containsExactly("$.Response[0].Id");
  }
}
