package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.post;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static com.bunqconnector.emulator.ResourceCalls.setAccountFilters;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.CallbackReceiver.Received;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestInquiryTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00"));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;
  @RegisterExtension
  final CallbackReceiver receiver = CallbackReceiver.eachTest(shared.vertx);

  @Test
  void sugarDaddyPaysUpTo500WithRequestAndMutationCallbacks() throws Exception {
    long account = shared.openAccount(alice, null);
    setAccountFilters(alice, account, receiver.url("/alice"), "REQUEST", "MUTATION", "PAYMENT");
    long id = create(alice, inquiries(alice, account), sugarDaddy("500.00"));

    JsonObject inquiry = read(alice, inquiries(alice, account) + "/" + id, "RequestInquiry");
    assertThat(inquiry.getString("status")).isEqualTo("ACCEPTED");
    assertThat(inquiry.getJsonObject("amount_inquired")).isEqualTo(amount("500.00"));
    assertThat(inquiry.getJsonObject("amount_responded")).isEqualTo(amount("500.00"));
    assertThat(inquiry.getString("time_responded")).isNotNull();
    assertThat(inquiry.getLong("monetary_account_id")).isEqualTo(account);
    assertThat(inquiry.getJsonObject("counterparty_alias").getString("display_name")).isEqualTo("Sugar Daddy");
    assertThat(inquiry.getJsonObject("user_alias_created").getString("uuid")).isNotNull();
    assertThat(inquiry.fieldNames()).startsWith("id", "created", "updated", "time_responded", "time_expiry",
        "monetary_account_id", "amount_inquired", "amount_responded");
    assertThat(balance(alice, account)).isEqualTo("500.00");
    JsonObject payment = alice.get(accountPath(alice, account) + "/payment").item(0, "Payment");
    assertThat(payment.getJsonObject("amount")).isEqualTo(amount("500.00"));
    assertThat(payment.getString("type")).isEqualTo("BUNQ");
    assertThat(payment.getString("sub_type")).isEqualTo("REQUEST");
    assertThat(payment.getJsonObject("balance_after_mutation")).isEqualTo(amount("500.00"));
    assertThat(payment.getJsonObject("counterparty_alias").getString("display_name")).isEqualTo("Sugar Daddy");
    assertThat(Iban.isValid(payment.getJsonObject("counterparty_alias").getString("iban"))).isTrue();

    Map<String, Received> callbacks = byCategory(receiver.take(2));
    assertThat(callbacks.keySet()).as("no PAYMENT callback for a paid request").containsExactlyInAnyOrder(
        "REQUEST", "MUTATION");
    assertThat(callbacks.get("REQUEST").eventType()).isEqualTo("REQUEST_INQUIRY_ACCEPTED");
    assertThat(callbacks.get("REQUEST").object("RequestInquiry")).isEqualTo(inquiry);
    assertThat(callbacks.get("MUTATION").eventType()).isEqualTo("MUTATION_RECEIVED");
    assertThat(callbacks.get("MUTATION").object("Payment")).isEqualTo(payment);
  }

  @Test
  void sugarDaddyRejectsMoreThan500AndNothingMoves() throws Exception {
    long account = shared.openAccount(alice, null);
    setAccountFilters(alice, account, receiver.url("/alice"), "REQUEST", "MUTATION");
    long id = create(alice, inquiries(alice, account), sugarDaddy("500.01"));

    JsonObject inquiry = read(alice, inquiries(alice, account) + "/" + id, "RequestInquiry");
    assertThat(inquiry.getString("status")).isEqualTo("REJECTED");
    assertThat(inquiry.getValue("amount_responded")).isNull();
    assertThat(balance(alice, account)).isEqualTo("0.00");
    assertThat(alice.get(accountPath(alice, account) + "/payment").items()).isEmpty();
    Received callback = receiver.take();
    assertThat(callback.summary()).isEqualTo("/alice REQUEST REQUEST_INQUIRY_REJECTED");
    assertThat(callback.object("RequestInquiry").getString("status")).isEqualTo("REJECTED");
  }

  @Test
  void requestToAnotherUserIsPaidOnlyWhenThePayerAcceptsWithASignature() throws Exception {
    long requester = shared.openAccount(alice, null);
    long payer = shared.openAccount(bob, "20.00");
    setAccountFilters(alice, requester, receiver.url("/alice"), "REQUEST", "MUTATION");
    setAccountFilters(bob, payer, receiver.url("/bob"), "REQUEST", "MUTATION");
    long inquiryId = create(alice, inquiries(alice, requester),
        request("12.50", pointer("IBAN", SharedEmulator.iban(bob, payer), "Bob")));
    assertThat(read(alice, inquiries(alice, requester) + "/" + inquiryId, "RequestInquiry").getString("status"))
        .isEqualTo("PENDING");

    Received created = receiver.take();
    assertThat(created.summary()).isEqualTo("/bob REQUEST REQUEST_RESPONSE_CREATED");
    Reply responses = bob.get(responses(bob, payer));
    assertThat(responses.items()).hasSize(1);
    JsonObject response = responses.item(0, "RequestResponse");
    assertThat(created.object("RequestResponse")).isEqualTo(response);
    assertThat(response.getString("status")).isEqualTo("PENDING");
    assertThat(response.getJsonObject("amount_inquired")).isEqualTo(amount("12.50"));
    assertThat(response.getJsonObject("counterparty_alias").getString("iban"))
        .isEqualTo(SharedEmulator.iban(alice, requester));
    assertThat(response.getJsonObject("alias").getString("iban")).isEqualTo(SharedEmulator.iban(bob, payer));
    String responsePath = responses(bob, payer) + "/" + response.getLong("id");

    JsonObject accept = new JsonObject().put("status", "ACCEPTED").put("amount_responded", amount("12.50"));
    assertThat(put(bob, responsePath, accept, false).status()).as("unsigned accept").isEqualTo(466);
    Reply wrongAmount = put(bob, responsePath, accept.copy().put("amount_responded", amount("1.00")), true);
    assertThat(wrongAmount.errorDescription()).contains("\"amount_responded.value\"");
    Reply accepted = put(bob, responsePath, accept, true);
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    assertThat(accepted.item(0, "RequestResponse").getString("status")).isEqualTo("ACCEPTED");

    assertThat(balance(alice, requester)).isEqualTo("12.50");
    assertThat(balance(bob, payer)).isEqualTo("7.50");
    JsonObject inquiry = read(alice, inquiries(alice, requester) + "/" + inquiryId, "RequestInquiry");
    assertThat(inquiry.getString("status")).isEqualTo("ACCEPTED");
    assertThat(inquiry.getJsonObject("amount_responded")).isEqualTo(amount("12.50"));
    assertThat(bob.get(accountPath(bob, payer) + "/payment").item(0, "Payment").getString("sub_type"))
        .isEqualTo("REQUEST");
    assertThat(receiver.take(3)).extracting(Received::summary).containsExactlyInAnyOrder(
        "/alice REQUEST REQUEST_INQUIRY_ACCEPTED", "/alice MUTATION MUTATION_RECEIVED",
        "/bob MUTATION MUTATION_CREATED");
    assertThat(put(bob, responsePath, accept, true).errorDescription()).contains("no longer");
  }

  @Test
  void requestDemandingAnAddressIsPaidOnlyWithItAndBothSidesKeepIt() {
    long requester = shared.openAccount(alice, null);
    long payer = shared.openAccount(bob, "20.00");
    long inquiryId = create(alice, inquiries(alice, requester),
        request("3.00", pointer("IBAN", SharedEmulator.iban(bob, payer), "Bob")).put("require_address", "SHIPPING"));
    JsonObject response = bob.get(responses(bob, payer)).item(0, "RequestResponse");
    String responsePath = responses(bob, payer) + "/" + response.getLong("id");
    JsonObject accept = new JsonObject().put("status", "ACCEPTED");
    JsonObject address = new JsonObject().put("street", "Naritaweg").put("house_number", "131")
        .put("postal_code", "1043 BS").put("city", "Amsterdam").put("country", "NL");

    Reply without = put(bob, responsePath, accept, true);
    assertThat(without.errorDescription()).contains("\"address_shipping\"").contains("shipping address");
    Reply billing = put(bob, responsePath, accept.copy().put("address_shipping", address)
        .put("address_billing", address), true);
    assertThat(billing.errorDescription()).contains("\"address_billing\" is not allowed");
    Reply incomplete = put(bob, responsePath, accept.copy().put("address_shipping", address.copy()
        .put("city", null)), true);
    assertThat(incomplete.errorDescription()).contains("\"address_shipping.city\"");
    assertThat(balance(bob, payer)).isEqualTo("20.00");

    Reply accepted = put(bob, responsePath, accept.copy().put("address_shipping", address.copy()
        .put("mailbox_name", "Bob")), true);
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    JsonObject shipped = accepted.item(0, "RequestResponse").getJsonObject("address_shipping");
    assertThat(shipped.getString("street")).isEqualTo("Naritaweg");
    assertThat(shipped.getString("mailbox_name")).isEqualTo("Bob");
    assertThat(accepted.item(0, "RequestResponse").getValue("address_billing")).isNull();
    JsonObject inquiry = read(alice, inquiries(alice, requester) + "/" + inquiryId, "RequestInquiry");
    assertThat(inquiry.getJsonObject("address_shipping")).isEqualTo(shipped);
    assertThat(balance(bob, payer)).isEqualTo("17.00");
  }

  @Test
  void requestByEmailReachesThePayersFirstAccountAndCanBeRevoked() {
    long requester = shared.openAccount(alice, null);
    long inquiryId = create(alice, inquiries(alice, requester), request("5.00", pointer("EMAIL", bob.email, "Bob")));
    String inquiryPath = inquiries(alice, requester) + "/" + inquiryId;
    JsonObject response = bob.get(responses(bob, bob.accountId)).item(0, "RequestResponse");
    assertThat(response.getJsonObject("counterparty_alias").getString("iban"))
        .isEqualTo(SharedEmulator.iban(alice, requester));

    Reply notRevoke = put(alice, inquiryPath, new JsonObject().put("status", "ACCEPTED"), false);
    assertThat(notRevoke.errorDescription()).contains("\"status\"");
    Reply revoked = put(alice, inquiryPath, new JsonObject().put("status", "REVOKED"), false);
    assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
    JsonObject inquiry = revoked.item(0, "RequestInquiry");
    assertThat(inquiry.getString("status")).isEqualTo("REVOKED");
    assertThat(inquiry.getJsonObject("user_alias_revoked")).isNotNull();
    assertThat(put(alice, inquiryPath, new JsonObject().put("status", "REVOKED"), false).status()).isEqualTo(400);

    String responsePath = responses(bob, bob.accountId) + "/" + response.getLong("id");
    assertThat(read(bob, responsePath, "RequestResponse").getString("status")).isEqualTo("REVOKED");
    String before = bob.balance();
    Reply late = put(bob, responsePath, new JsonObject().put("status", "ACCEPTED"), true);
    assertThat(late.status()).isEqualTo(400);
    assertThat(bob.balance()).isEqualTo(before);
  }

  @Test
  void requestOutsideTheBankNeedsAllowBunqmeAndWaits() {
    long account = shared.openAccount(alice, null);
    JsonObject stranger = request("3.00", pointer("EMAIL", "stranger@example.com", "Stranger"));
    Reply refused = post(alice, inquiries(alice, account), stranger);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorDescription()).contains("\"allow_bunqme\"");
    long id = create(alice, inquiries(alice, account), stranger.copy().put("allow_bunqme", true));
    JsonObject inquiry = read(alice, inquiries(alice, account) + "/" + id, "RequestInquiry");
    assertThat(inquiry.getString("status")).isEqualTo("PENDING");
    assertThat(inquiry.getString("bunqme_share_url")).startsWith("https://bunq.me/");
    assertThat(alice.get(inquiries(alice, account)).items()).hasSize(1);
  }

  @Test
  void invalidRequestFieldsAreNamedInA400() {
    long account = shared.openAccount(alice, null);
    List<Map.Entry<String, JsonObject>> cases = List.of(
        Map.entry("allow_bunqme", sugarDaddy("1.00").put("allow_bunqme", null)),
        Map.entry("amount_inquired.value", sugarDaddy("0.00")),
        Map.entry("amount_inquired.currency", sugarDaddy("1.00").put("amount_inquired", new JsonObject()
            .put("value", "1.00").put("currency", "USD"))),
        Map.entry("counterparty_alias.type", sugarDaddy("1.00").put("counterparty_alias", pointer("NAME", "x", "x"))),
        Map.entry("counterparty_alias.name", sugarDaddy("1.00").put("counterparty_alias",
            pointer("IBAN", alice.iban, null))),
        Map.entry("description", sugarDaddy("1.00").put("description", null)),
        Map.entry("minimum_age", sugarDaddy("1.00").put("minimum_age", 5)),
        Map.entry("require_address", sugarDaddy("1.00").put("require_address", "MOON")));
    for (Map.Entry<String, JsonObject> entry : cases) {
      Reply reply = post(alice, inquiries(alice, account), entry.getValue());
      assertThat(reply.status()).as(entry.getValue().encode()).isEqualTo(400);
      assertThat(reply.errorDescription()).as(entry.getValue().encode()).contains("\"" + entry.getKey() + "\"");
    }
    Reply self = post(alice, inquiries(alice, account),
        request("1.00", pointer("IBAN", SharedEmulator.iban(alice, account), "Me")));
    assertThat(self.errorDescription()).contains("same monetary account");
    assertThat(alice.get(inquiries(alice, account) + "/42").errorDescription())
        .isEqualTo("RequestInquiry for id \"42\" not found.");
    assertThat(alice.get(inquiries(alice, account)).items()).isEmpty();
  }

  private static String inquiries(TestClient client, long accountId) {
    return accountPath(client, accountId) + "/request-inquiry";
  }

  private static String responses(TestClient client, long accountId) {
    return accountPath(client, accountId) + "/request-response";
  }

  private static JsonObject sugarDaddy(String value) {
    return request(value, pointer("EMAIL", "sugardaddy@bunq.com", "Sugar Daddy"));
  }

  private static JsonObject request(String value, JsonObject counterparty) {
    return new JsonObject()
        .put("amount_inquired", amount(value))
        .put("counterparty_alias", counterparty)
        .put("description", "You're the best!")
        .put("allow_bunqme", false);
  }

  private static Map<String, Received> byCategory(List<Received> callbacks) {
    return callbacks.stream().collect(Collectors.toMap(Received::category, Function.identity()));
  }
}
