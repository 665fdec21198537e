package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PaymentTest {

  private BunqEmulator emulator;
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setInitialBalance("100.00"));
    alice = TestClient.withSession(emulator.baseUrl());
    bob = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void internalPaymentMovesMoneyBothWaysWithPrettyPrintedNonAsciiBody() {
    String description = "Café ☕ – bedankt, ümlaut €";
    String pretty = Emulators.payment("12.50", "IBAN", bob.iban, description).encodePrettily();
    assertThat(pretty).contains("\n");

    Reply created = alice.pay(pretty);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    long paymentId = created.item(0, "Id").getLong("id");
    assertThat(alice.serverSignatureValid(created)).isTrue();

    assertThat(new BigDecimal(alice.balance())).isEqualByComparingTo("87.50");
    assertThat(bob.balance()).isEqualTo("112.50");

    JsonObject outgoing = alice.get(alice.paymentsPath() + "/" + paymentId).item(0, "Payment");
    assertThat(outgoing.getLong("id")).isEqualTo(paymentId);
    assertThat(outgoing.getLong("monetary_account_id")).isEqualTo(alice.accountId);
    assertThat(outgoing.getJsonObject("amount"))
        .isEqualTo(new JsonObject().put("currency", "EUR").put("value", "-12.50"));
    assertThat(outgoing.getString("description")).isEqualTo(description);
    assertThat(outgoing.getString("type")).isEqualTo("BUNQ");
    assertThat(outgoing.getString("sub_type")).isEqualTo("PAYMENT");
    assertThat(outgoing.getJsonObject("alias").getString("iban")).isEqualTo(alice.iban);
    assertThat(outgoing.getJsonObject("counterparty_alias").getString("iban")).isEqualTo(bob.iban);
    assertThat(outgoing.getJsonObject("counterparty_alias").getJsonObject("label_user").getString("uuid")).isNotNull();
    assertThat(outgoing.getJsonObject("balance_after_mutation").getString("value")).isEqualTo("87.50");
    assertThat(outgoing.getJsonArray("attachment")).isEmpty();
    assertThat(outgoing.containsKey("geolocation")).isTrue();
    assertThat(outgoing.getValue("payment_fee")).isNull();

    JsonObject incoming = bob.get(bob.paymentsPath()).item(0, "Payment");
    assertThat(incoming.getJsonObject("amount").getString("value")).isEqualTo("12.50");
    assertThat(incoming.getLong("monetary_account_id")).isEqualTo(bob.accountId);
    assertThat(incoming.getJsonObject("counterparty_alias").getString("iban")).isEqualTo(alice.iban);
    assertThat(incoming.getJsonObject("balance_after_mutation").getString("value")).isEqualTo("112.50");
  }

  @Test
  void paymentToAnEmailAliasReachesItsOwner() {
    Reply created = alice.pay(Emulators.payment("0.01", "EMAIL", bob.email, "by e-mail").encode());
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(alice.balance()).isEqualTo("99.99");
    assertThat(bob.balance()).isEqualTo("100.01");
  }

  @Test
  void paymentToAnUnknownEmailOrPhoneNumberIsAPendingBunqToPaymentHoldingTheMoney() {
    Reply byEmail = alice.pay(Emulators.payment("5.00", "EMAIL", "nobody@example.com", "via bunq.to").encode());
    assertThat(byEmail.status()).as(byEmail.text()).isEqualTo(200);
    assertThat(alice.balance()).isEqualTo("95.00");
    JsonObject payment = alice.get(alice.paymentsPath() + "/" + byEmail.item(0, "Id").getLong("id"))
        .item(0, "Payment");
    assertThat(payment.getString("type")).isEqualTo("BUNQ");
    assertThat(payment.getString("bunqto_status")).isEqualTo("PENDING");
    assertThat(payment.getString("bunqto_sub_status")).isEqualTo("NONE");
    assertThat(payment.getString("bunqto_share_url")).startsWith("https://bunq.to/");
    assertThat(payment.getValue("bunqto_time_responded")).isNull();
    assertThat(payment.getString("bunqto_expiry")).isGreaterThan(payment.getString("created"));

    JsonObject byPhone = Emulators.payment("1.00", "PHONE_NUMBER", "+31600000000", "by phone");
    Reply refused = alice.pay(byPhone.copy().put("allow_bunqto", false).encode());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorDescription()).contains("\"allow_bunqto\"");
    assertThat(alice.balance()).isEqualTo("95.00");
    Reply allowed = alice.pay(byPhone.put("allow_bunqto", true).encode());
    assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
    assertThat(alice.get(alice.paymentsPath()).item(0, "Payment").getString("bunqto_status")).isEqualTo("PENDING");
    assertThat(alice.get(alice.paymentsPath()).item(1, "Payment").getValue("batch_id")).isNull();

    Reply toBob = alice.pay(Emulators.payment("1.00", "EMAIL", bob.email, "known").put("allow_bunqto", false)
        .encode());
    assertThat(toBob.status()).as("a known user is no bunq.to payment").isEqualTo(200);
    assertThat(alice.get(alice.paymentsPath()).item(0, "Payment").getValue("bunqto_status")).isNull();
  }

  @Test
  void paymentToAnUnknownIbanLeavesTheBank() {
    Reply created = alice.pay(Emulators.payment("100", "IBAN", "NL91ABNA0417164300", "rent").encode());
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(alice.balance()).isEqualTo("0.00");
    assertThat(bob.balance()).isEqualTo("100.00");
    JsonObject payment = alice.get(alice.paymentsPath()).item(0, "Payment");
    assertThat(payment.getString("type")).isEqualTo("EBA_SCT");
    assertThat(payment.getJsonObject("amount").getString("value")).isEqualTo("-100.00");
    assertThat(payment.getJsonObject("counterparty_alias").getString("iban")).isEqualTo("NL91ABNA0417164300");
    assertThat(payment.getJsonObject("counterparty_alias").getString("display_name")).isEqualTo("Test Counterparty");
    assertThat(bob.get(bob.paymentsPath()).items()).isEmpty();
  }

  @Test
  void insufficientFundsIsRejectedAndNothingMoves() {
    Reply reply = alice.pay(Emulators.payment("100.01", "IBAN", bob.iban, "too much").encode());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).containsIgnoringCase("insufficient");
    assertThat(alice.balance()).isEqualTo("100.00");
    assertThat(bob.balance()).isEqualTo("100.00");
  }

  @Test
  void unsignedPaymentIsRejectedWith466AndWronglySignedWith401() {
    String body = Emulators.payment("1.00", "IBAN", bob.iban, "x").encode();
    Reply unsigned = alice.send("POST", alice.paymentsPath(), alice.sessionToken, body, false);
    assertThat(unsigned.status()).isEqualTo(466);
    String otherBody = body.replace("1.00", "2.00");
    String signatureOfOther = TestClient.sign(alice.keys.getPrivate(), otherBody.getBytes());
    Reply wrong = alice.send("POST", alice.paymentsPath(), alice.sessionToken, body, signatureOfOther, Map.of());
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorDescription()).isEqualTo("The request signature is invalid.");
    assertThat(alice.balance()).isEqualTo("100.00");
  }

  @Test
  void invalidPaymentFieldsAreNamedInA400() {
    List<Map.Entry<String, JsonObject>> cases = List.of(
        Map.entry("amount.value", Emulators.payment("-1.00", "IBAN", bob.iban, "x")),
        Map.entry("amount.value", Emulators.payment("1.001", "IBAN", bob.iban, "x")),
        Map.entry("amount.value", Emulators.payment("1.00", "IBAN", bob.iban, "x")
            .put("amount", new JsonObject().put("value", 1.5).put("currency", "EUR"))),
        Map.entry("amount.currency", Emulators.payment("1.00", "IBAN", bob.iban, "x")
            .put("amount", new JsonObject().put("value", "1.00").put("currency", "USD"))),
        Map.entry("counterparty_alias", Emulators.payment("1.00", "IBAN", bob.iban, "x")
            .put("counterparty_alias", null)),
        Map.entry("counterparty_alias.type", Emulators.payment("1.00", "TWITTER", "@bob", "x")),
        Map.entry("counterparty_alias.value", Emulators.payment("1.00", "IBAN", "NL00BUNQ0000000000", "x")),
        Map.entry("description", Emulators.payment("1.00", "IBAN", bob.iban, "x").put("description", 5)));
    for (Map.Entry<String, JsonObject> entry : cases) {
      Reply reply = alice.pay(entry.getValue().encode());
      assertThat(reply.status()).as(entry.getValue().encode()).isEqualTo(400);
      assertThat(reply.errorDescription()).as(entry.getValue().encode()).contains("\"" + entry.getKey() + "\"");
    }
    assertThat(alice.balance()).isEqualTo("100.00");
  }

  @Test
  void unknownPaymentIdIsNotFound() {
    Reply reply = alice.get(alice.paymentsPath() + "/42");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.errorDescription()).isEqualTo("Payment for id \"42\" not found.");
  }
}
