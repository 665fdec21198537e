package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.admin;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static com.bunqconnector.emulator.ResourceCalls.setAccountFilters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.CallbackReceiver.Received;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CardPaymentTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00"));
  private final TestClient alice = shared.alice;
  @RegisterExtension
  final CallbackReceiver receiver = CallbackReceiver.eachTest(shared.vertx);

  @Test
  void allowedCardPaymentDebitsTheAccountAndNotifiesSuccessAndMutation() throws Exception {
    long account = shared.openAccount(alice, "20.00");
    setAccountFilters(alice, account, receiver.url("/card"), "CARD_TRANSACTION_SUCCESSFUL",
        "CARD_TRANSACTION_FAILED", "MUTATION");

    JsonObject action = shared.emulator.simulateCardPayment(account, "12.34", "Bakkerij Bart", "NL", false)
        .await(10, TimeUnit.SECONDS);
    assertThat(action.getString("decision")).isEqualTo("ALLOWED");
    assertThat(action.getString("authorisation_status")).isEqualTo("AUTHORISED");
    assertThat(action.getJsonObject("amount_local")).isEqualTo(amount("12.34"));
    assertThat(action.getJsonObject("amount_billing")).isEqualTo(amount("12.34"));
    assertThat(action.getLong("monetary_account_id")).isEqualTo(account);
    assertThat(action.getString("description")).contains("Bakkerij Bart");
    assertThat(action.getJsonObject("counterparty_alias").getString("display_name")).isEqualTo("Bakkerij Bart");
    assertThat(action.getJsonObject("alias").getString("iban")).isEqualTo(SharedEmulator.iban(alice, account));
    assertThat(action.getJsonObject("label_card").getString("type")).isEqualTo("MASTERCARD");
    assertThat(action.fieldNames()).startsWith("id", "created", "updated", "monetary_account_id", "card_id",
        "amount_local");
    assertThat(read(alice, cardActions(account) + "/" + action.getLong("id"), "MasterCardAction")).isEqualTo(action);

    assertThat(balance(alice, account)).isEqualTo("7.66");
    JsonObject payment = alice.get(accountPath(alice, account) + "/payment").item(0, "Payment");
    assertThat(payment.getString("type")).isEqualTo("MASTERCARD");
    assertThat(payment.getJsonObject("amount")).isEqualTo(amount("-12.34"));
    assertThat(payment.getJsonObject("balance_after_mutation")).isEqualTo(amount("7.66"));

    List<Received> callbacks = receiver.take(2);
    assertThat(callbacks).extracting(Received::summary).containsExactlyInAnyOrder(
        "/card CARD_TRANSACTION_SUCCESSFUL CARD_TRANSACTION_SUCCESSFUL", "/card MUTATION MUTATION_CREATED");
    for (Received callback : callbacks) {
      if (callback.category().equals("MUTATION")) {
        assertThat(callback.object("Payment")).isEqualTo(payment);
      } else {
        assertThat(callback.object("MasterCardAction")).isEqualTo(action);
      }
    }
  }

  @Test
  void declinedCardPaymentMovesNothingAndNotifiesFailure() throws Exception {
    long account = shared.openAccount(alice, "20.00");
    setAccountFilters(alice, account, receiver.url("/card"), "CARD_TRANSACTION_SUCCESSFUL",
        "CARD_TRANSACTION_FAILED");

    JsonObject action = shared.emulator.simulateCardPayment(account, "5.00", "Duty Free", "US", true)
        .await(10, TimeUnit.SECONDS);
    assertThat(action.getString("decision")).isEqualTo("COUNTRY_NOT_PERMITTED");
    assertThat(action.getString("authorisation_status")).isEqualTo("BLOCKED");
    assertThat(action.getString("decision_description")).isNotEmpty();
    assertThat(balance(alice, account)).isEqualTo("20.00");
    assertThat(alice.get(accountPath(alice, account) + "/payment").items()).as("only the funding payment").hasSize(1);
    Received callback = receiver.take();
    assertThat(callback.summary()).isEqualTo("/card CARD_TRANSACTION_FAILED CARD_TRANSACTION_FAILED");
    assertThat(callback.object("MasterCardAction")).isEqualTo(action);
    assertThat(alice.get(cardActions(account)).items()).hasSize(1);
  }

  @Test
  void cardPaymentOverHttpIsDeclinedWhenTheMoneyIsNotThere() {
    long account = shared.openAccount(alice, "1.00");
    Reply reply = admin(shared.emulator, "/emulator/admin/card-payment", new JsonObject()
        .put("monetary_account_id", account).put("amount", "1.01").put("merchant_name", "Kiosk").encode());
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonObject action = reply.item(0, "MasterCardAction");
    assertThat(action.getString("decision")).isEqualTo("INSUFFICIENT_BALANCE");
    assertThat(action.getJsonObject("counterparty_alias").getString("country")).isEqualTo("NL");
    assertThat(balance(alice, account)).isEqualTo("1.00");

    Reply badCountry = admin(shared.emulator, "/emulator/admin/card-payment", new JsonObject()
        .put("monetary_account_id", account).put("amount", "1.00").put("merchant_name", "Kiosk")
        .put("country", "Netherlands").encode());
    assertThat(badCountry.status()).isEqualTo(400);
    assertThat(badCountry.errorDescription()).contains("\"country\"");
    Reply unknownAccount = admin(shared.emulator, "/emulator/admin/card-payment", new JsonObject()
        .put("monetary_account_id", 42).put("amount", "1.00").put("merchant_name", "Kiosk").encode());
    assertThat(unknownAccount.status()).isEqualTo(404);
  }

  @Test
  void javaApiRejectsMalformedArgumentsAndUnknownAccounts() {
    assertThatThrownBy(() -> shared.emulator.simulateCardPayment(alice.accountId, "1,00", "Shop", "NL", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"amount\"");
    assertThatThrownBy(() -> shared.emulator.simulateCardPayment(alice.accountId, "1.00", " ", "NL", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"merchant_name\"");
    assertThatThrownBy(() -> shared.emulator.simulateCardPayment(42, "1.00", "Shop", "NL", false)
        .await(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
  }

  private String cardActions(long accountId) {
    return accountPath(alice, accountId) + "/mastercard-action";
  }
}
