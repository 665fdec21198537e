package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.admin;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PaymentBatchTest {

  private static final String OUTSIDE_IBAN = "NL91ABNA0417164300";
  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00"));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;

  @Test
  void signedBatchBooksEveryPaymentWithItsBatchIdAndIsServedAsAPaymentBatch() {
    long account = shared.openAccount(alice, "30.00");
    String batches = accountPath(alice, account) + "/payment-batch";
    JsonObject body = new JsonObject().put("payments", new JsonArray()
        .add(payment("1.00", "IBAN", bob.iban, "first"))
        .add(payment("2.00", "IBAN", OUTSIDE_IBAN, "second")));
    Reply created = alice.send("POST", batches, alice.sessionToken, body.encode(), true);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    long id = created.item(0, "Id").getLong("id");

    JsonArray payments = read(alice, batches + "/" + id, "PaymentBatch").getJsonObject("payments")
        .getJsonArray("Payment");
    assertThat(payments).hasSize(2);
    assertThat(payments).extracting(p -> ((JsonObject) p).getString("description")).containsExactly("first", "second");
    assertThat(payments).extracting(p -> ((JsonObject) p).getLong("batch_id")).containsOnly(id);
    assertThat(payments).extracting(p -> ((JsonObject) p).getString("type")).containsExactly("BUNQ", "EBA_SCT");
    JsonObject first = payments.getJsonObject(0);
    assertThat(read(alice, accountPath(alice, account) + "/payment/" + first.getLong("id"), "Payment"))
        .isEqualTo(first);
    assertThat(balance(alice, account)).isEqualTo("27.00");

    JsonArray listed = alice.get(batches).items();
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getJsonObject("PaymentBatch").getJsonObject("payments")
        .getJsonArray("Payment")).isEqualTo(payments);
  }

  @Test
  void batchTheAccountCannotPayInFullBooksNothing() {
    long account = shared.openAccount(alice, "3.00");
    String batches = accountPath(alice, account) + "/payment-batch";
    JsonObject body = new JsonObject().put("payments", new JsonObject().put("Payment", new JsonArray()
        .add(payment("2.00", "IBAN", bob.iban, "fits"))
        .add(payment("2.00", "IBAN", bob.iban, "does not fit"))));
    Reply refused = alice.send("POST", batches, alice.sessionToken, body.encode(), true);
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.text()).contains("insufficient");
    assertThat(balance(alice, account)).isEqualTo("3.00");
    assertThat(alice.get(accountPath(alice, account) + "/payment").items()).as("the funding only").hasSize(1);
    assertThat(alice.get(batches).items()).isEmpty();

    Reply unsigned = alice.send("POST", batches, alice.sessionToken, body.encode(), false);
    assertThat(unsigned.status()).as(unsigned.text()).isEqualTo(466);
    Reply empty = alice.send("POST", batches, alice.sessionToken, "{\"payments\":[]}", true);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.text()).contains("\\\"payments\\\"");
    assertThat(alice.get(batches + "/" + Long.MAX_VALUE).status()).isEqualTo(404);
  }

  @Test
  void acceptedDraftOfSeveralEntriesBecomesAPaymentBatch() {
    long account = shared.openAccount(alice, "10.00");
    long draft = create(alice, accountPath(alice, account) + "/draft-payment", new JsonObject()
        .put("number_of_required_accepts", 1)
        .put("entries", new JsonArray().add(payment("1.00", "IBAN", bob.iban, "one"))
            .add(payment("1.50", "IBAN", OUTSIDE_IBAN, "two"))));
    Reply accepted = admin(shared.emulator, "/emulator/admin/draft-payment/" + draft + "/accept", "");
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    JsonObject inDraft = accepted.item(0, "DraftPayment").getJsonObject("object").getJsonObject("PaymentBatch");
    long batchId = inDraft.getJsonObject("payments").getJsonArray("Payment").getJsonObject(0).getLong("batch_id");

    JsonObject served = read(alice, accountPath(alice, account) + "/payment-batch/" + batchId, "PaymentBatch");
    assertThat(served).isEqualTo(inDraft);
  }

  private static JsonObject payment(String value, String type, String target, String description) {
    return new JsonObject().put("amount", amount(value)).put("counterparty_alias", pointer(type, target, "Someone"))
        .put("description", description);
  }
}
