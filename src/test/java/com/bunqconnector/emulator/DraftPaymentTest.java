package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.admin;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.post;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static com.bunqconnector.emulator.ResourceCalls.setAccountFilters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.CallbackReceiver.Received;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DraftPaymentTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00"));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;
  @RegisterExtension
  final CallbackReceiver receiver = CallbackReceiver.eachTest(shared.vertx);

  @Test
  void acceptedDraftPaysItsEntryAndSendsDraftPaymentAndMutationCallbacks() throws Exception {
    long account = shared.openAccount(alice, "50.00");
    long payee = shared.openAccount(bob, null);
    setAccountFilters(alice, account, receiver.url("/alice"), "DRAFT_PAYMENT", "PAYMENT", "MUTATION");
    long id = create(alice, drafts(account), draft(entry("10.00", SharedEmulator.iban(bob, payee), "rent")));

    JsonObject pending = read(alice, drafts(account) + "/" + id, "DraftPayment");
    assertThat(pending.getString("status")).isEqualTo("PENDING");
    assertThat(pending.getLong("monetary_account_id")).isEqualTo(account);
    assertThat(pending.getValue("object")).isNull();
    assertThat(pending.getJsonArray("responses")).isEmpty();
    assertThat(pending.getJsonObject("user_alias_created").getString("uuid")).isNotNull();
    JsonObject entry = pending.getJsonArray("entries").getJsonObject(0);
    assertThat(entry.getJsonObject("amount")).isEqualTo(amount("10.00"));
    assertThat(entry.getJsonObject("counterparty_alias").getString("iban")).isEqualTo(SharedEmulator.iban(bob, payee));
    assertThat(entry.getJsonObject("alias").getString("iban")).isEqualTo(SharedEmulator.iban(alice, account));
    assertThat(entry.getString("description")).isEqualTo("rent");
    assertThat(balance(alice, account)).as("nothing moves before the owner accepts").isEqualTo("50.00");

    JsonObject accepted = shared.emulator.acceptDraftPayment(id).await(10, TimeUnit.SECONDS);
    assertThat(accepted.getString("status")).isEqualTo("ACCEPTED");
    assertThat(accepted.getJsonArray("responses").getJsonObject(0).getString("status")).isEqualTo("ACCEPTED");
    JsonObject payment = accepted.getJsonObject("object").getJsonObject("Payment");
    assertThat(payment.getJsonObject("amount")).isEqualTo(amount("-10.00"));
    assertThat(read(alice, drafts(account) + "/" + id, "DraftPayment")).isEqualTo(accepted);
    assertThat(balance(alice, account)).isEqualTo("40.00");
    assertThat(balance(bob, payee)).isEqualTo("10.00");

    List<Received> callbacks = receiver.take(3);
    assertThat(callbacks).extracting(Received::summary).containsExactlyInAnyOrder(
        "/alice DRAFT_PAYMENT DRAFT_PAYMENT_ACCEPTED", "/alice PAYMENT PAYMENT_CREATED",
        "/alice MUTATION MUTATION_CREATED");
    for (Received callback : callbacks) {
      if (callback.category().equals("DRAFT_PAYMENT")) {
        assertThat(callback.object("DraftPayment")).isEqualTo(accepted);
      } else {
        assertThat(callback.object("Payment")).isEqualTo(payment);
      }
    }
    assertThatThrownBy(() -> shared.emulator.acceptDraftPayment(id).await(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ACCEPTED");
  }

  @Test
  void draftWithTwoEntriesIsAcceptedOverHttpAsAPaymentBatch() {
    long account = shared.openAccount(alice, "50.00");
    long id = create(alice, drafts(account), draft(entry("1.50", bob.iban, "one"),
        entry("2.50", "NL91ABNA0417164300", "two")));
    JsonObject pending = read(alice, drafts(account) + "/" + id, "DraftPayment");
    assertThat(pending.getString("type")).isEqualTo("EBA_SCT");
    assertThat(pending.getJsonArray("entries")).extracting(e -> ((JsonObject) e).getString("type"))
        .containsExactly("BUNQ", "EBA_SCT");

    Reply accepted = admin(shared.emulator, "/emulator/admin/draft-payment/" + id + "/accept", "");
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    JsonObject draft = accepted.item(0, "DraftPayment");
    JsonArray payments = draft.getJsonObject("object").getJsonObject("PaymentBatch").getJsonObject("payments")
        .getJsonArray("Payment");
    assertThat(payments).hasSize(2);
    assertThat(balance(alice, account)).isEqualTo("46.00");
    assertThat(admin(shared.emulator, "/emulator/admin/draft-payment/42/accept", "").status()).isEqualTo(404);
  }

  @Test
  void rejectedOrUnpayableDraftMovesNothing() throws Exception {
    long account = shared.openAccount(alice, "5.00");
    setAccountFilters(alice, account, receiver.url("/alice"), "DRAFT_PAYMENT", "MUTATION");
    long tooBig = create(alice, drafts(account), draft(entry("5.01", bob.iban, "too much")));
    assertThatThrownBy(() -> shared.emulator.acceptDraftPayment(tooBig).await(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("insufficient");
    assertThat(read(alice, drafts(account) + "/" + tooBig, "DraftPayment").getString("status")).isEqualTo("PENDING");

    JsonObject rejected = shared.emulator.rejectDraftPayment(tooBig).await(10, TimeUnit.SECONDS);
    assertThat(rejected.getString("status")).isEqualTo("REJECTED");
    assertThat(rejected.getValue("object")).isNull();
    assertThat(balance(alice, account)).isEqualTo("5.00");
    Received callback = receiver.take();
    assertThat(callback.summary()).isEqualTo("/alice DRAFT_PAYMENT DRAFT_PAYMENT_REJECTED");
    assertThatThrownBy(() -> shared.emulator.acceptDraftPayment(Long.MAX_VALUE).await(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signedPutAcceptsAndAStaleTimestampIsRefused() {
    long account = shared.openAccount(alice, "20.00");
    long id = create(alice, drafts(account), draft(entry("3.00", bob.iban, "via the API")));
    String path = drafts(account) + "/" + id;
    String updated = read(alice, path, "DraftPayment").getString("updated");

    JsonObject accept = new JsonObject().put("status", "ACCEPTED");
    assertThat(put(alice, path, accept, false).status()).as("unsigned").isEqualTo(466);
    Reply stale = put(alice, path, accept.copy().put("previous_updated_timestamp", "2001-01-01 00:00:00.000000"),
        true);
    assertThat(stale.status()).isEqualTo(400);
    assertThat(stale.errorDescription()).contains("previous_updated_timestamp");
    Reply done = put(alice, path, accept.copy().put("previous_updated_timestamp", updated), true);
    assertThat(done.status()).as(done.text()).isEqualTo(200);
    assertThat(done.item(0, "Id").getLong("id")).isEqualTo(id);
    assertThat(read(alice, path, "DraftPayment").getString("status")).isEqualTo("ACCEPTED");
    assertThat(balance(alice, account)).isEqualTo("17.00");
  }

  @Test
  void invalidDraftFieldsAreNamedInA400() {
    long account = shared.openAccount(alice, null);
    List<Map.Entry<String, JsonObject>> cases = List.of(
        Map.entry("number_of_required_accepts",
            draft(entry("1.00", bob.iban, "x")).put("number_of_required_accepts", 2)),
        Map.entry("entries", draft().put("entries", new JsonArray())),
        Map.entry("entries[1].amount.value", draft(entry("1.00", bob.iban, "x"), entry("-1", bob.iban, "y"))),
        Map.entry("entries[0].counterparty_alias.value", draft(entry("1.00", "NL00BUNQ0000000000", "x"))),
        Map.entry("entries[0].description", draft(entry("1.00", "NL91ABNA0417164300", "x".repeat(141)))),
        Map.entry("schedule.time_start", draft(entry("1.00", bob.iban, "x")).put("schedule", new JsonObject())),
        Map.entry("schedule.time_start", scheduled(entry("1.00", bob.iban, "x")).put("schedule",
            schedule().put("time_start", "tomorrow"))),
        Map.entry("schedule.time_end", scheduled(entry("1.00", bob.iban, "x")).put("schedule",
            schedule().put("time_end", "2030-01-01 00:00:00"))),
        Map.entry("schedule.recurrence_unit", scheduled(entry("1.00", bob.iban, "x")).put("schedule",
            schedule().put("recurrence_unit", "FORTNIGHTLY"))),
        Map.entry("schedule.recurrence_size", scheduled(entry("1.00", bob.iban, "x")).put("schedule",
            schedule().put("recurrence_size", 0))),
        Map.entry("schedule.every", scheduled(entry("1.00", bob.iban, "x")).put("schedule",
            schedule().put("every", 2))));
    for (Map.Entry<String, JsonObject> entry : cases) {
      Reply reply = post(alice, drafts(account), entry.getValue());
      assertThat(reply.status()).as(entry.getValue().encode()).isEqualTo(400);
      assertThat(reply.errorDescription()).as(entry.getValue().encode()).contains("\"" + entry.getKey() + "\"");
    }
    assertThat(alice.get(drafts(account)).items()).isEmpty();
    assertThat(alice.get(drafts(account) + "/42").status()).isEqualTo(404);
  }

  @Test
  void scheduledDraftIsKeptWithItsScheduleAndAcceptingItMovesNoMoney() {
    long account = shared.openAccount(alice, "10.00");
    long id = create(alice, drafts(account), scheduled(entry("2.00", bob.iban, "monthly rent")));
    String path = drafts(account) + "/" + id;
    JsonObject pending = read(alice, path, "DraftPayment");
    assertThat(pending.getJsonObject("schedule")).isEqualTo(new JsonObject()
        .put("time_start", "2031-01-01 08:00:00.000000").put("time_end", "2031-12-31 08:00:00.000000")
        .put("recurrence_unit", "MONTHLY").put("recurrence_size", 1).put("status", null).put("object", null));

    JsonObject weekly = schedule().put("recurrence_unit", "WEEKLY").put("recurrence_size", 2).put("time_end", null)
        .put("time_start", "2031-02-01 09:30:00.5");
    Reply changed = put(alice, path, new JsonObject().put("schedule", weekly), false);
    assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    JsonObject now = read(alice, path, "DraftPayment").getJsonObject("schedule");
    assertThat(now.getString("time_start")).isEqualTo("2031-02-01 09:30:00.500000");
    assertThat(now.getValue("time_end")).isNull();
    assertThat(now.getString("recurrence_unit")).isEqualTo("WEEKLY");

    Reply accepted = admin(shared.emulator, "/emulator/admin/draft-payment/" + id + "/accept", "");
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    JsonObject draft = accepted.item(0, "DraftPayment");
    assertThat(draft.getString("status")).isEqualTo("ACCEPTED");
    assertThat(draft.getValue("object")).as("nothing is executed").isNull();
    assertThat(draft.getJsonObject("schedule").getString("status")).isEqualTo("ACTIVE");
    assertThat(balance(alice, account)).isEqualTo("10.00");
  }

  /** A monthly schedule through 2031. */
  private static JsonObject schedule() {
    return new JsonObject().put("time_start", "2031-01-01 08:00:00").put("time_end", "2031-12-31 08:00:00")
        .put("recurrence_unit", "MONTHLY").put("recurrence_size", 1);
  }

  private static JsonObject scheduled(JsonObject... entries) {
    return draft(entries).put("schedule", schedule());
  }

  private String drafts(long accountId) {
    return accountPath(alice, accountId) + "/draft-payment";
  }

  private static JsonObject draft(JsonObject... entries) {
    return new JsonObject().put("entries", new JsonArray(List.of((Object[]) entries)))
        .put("number_of_required_accepts", 1);
  }

  private static JsonObject entry(String value, String iban, String description) {
    return new JsonObject()
        .put("amount", amount(value))
        .put("counterparty_alias", pointer("IBAN", iban, "Counterparty"))
        .put("description", description);
  }
}
