package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.admin;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.post;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code card-name}, {@code card-debit} and {@code card}: ordering, reading and changing a user's debit cards. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CardOrderTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("100.00"));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;

  @Test
  void cardNamesAreTheFormatsOfAPersonsLegalNameThatFit() {
    Instant now = Instant.now();
    User person = new User(1, now, "u", Kind.PERSON, "Alice de Vries", "a@example.com", "+31", "k", 60);
    assertThat(Cards.possibleNames(person)).containsExactly("Alice de Vries", "A. de Vries", "A de Vries",
        "de Vries");
    User longName = new User(2, now, "u", Kind.PERSON, "Maximiliane Kunigunde Oppenheimer-Wolff", "m@example.com",
        "+31", "k", 60);
    assertThat(Cards.possibleNames(longName)).allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(Cards.NAME_MAX))
        .isNotEmpty();
    User company = new User(3, now, "u", Kind.COMPANY, "Acme B.V.", "c@example.com", "+31", "k", 60);
    assertThat(Cards.possibleNames(company)).containsExactly("Acme B.V.");
  }

  @Test
  void cardNameListsTheUsersPossibleNames() {
    Reply reply = alice.get(user(alice) + "/card-name");
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().getJsonObject("Pagination")).isNotNull();
    JsonArray names = reply.item(0, "CardUserNameArray").getJsonArray("possible_card_name_array");
    assertThat(names).isNotEmpty();
    assertThat(names.getList()).allSatisfy(n -> assertThat((String) n).hasSizeLessThanOrEqualTo(Cards.NAME_MAX));
  }

  @Test
  void orderedCardIsDeactivatedUntilActivatedAndReadsBackAsOrdered() {
    JsonObject card = order(alice, body(alice));
    assertThat(card.getString("status")).isEqualTo("DEACTIVATED");
    assertThat(card.getString("order_status")).isEqualTo("ACCEPTED_FOR_PRODUCTION");
    assertThat(card.getString("second_line")).isEqualTo("Groceries");
    assertThat(card.getString("name_on_card")).isEqualTo(firstName(alice));
    assertThat(card.getString("type")).isEqualTo("MASTERCARD");
    assertThat(card.getString("product_type")).isEqualTo("MASTERCARD_DEBIT");
    assertThat(card.getLong("user_owner_id")).isEqualTo(alice.userId);
    assertThat(card.getString("expiry_date")).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(card.getJsonArray("primary_account_numbers").getJsonObject(0).getString("four_digit"))
        .matches("\\d{4}");
    assertThat(card.getJsonArray("pin_code_assignment").getJsonObject(0).getLong("monetary_account_id"))
        .isEqualTo(alice.accountId);
    assertThat(card.getJsonObject("label_monetary_account_ordered").getString("iban")).isEqualTo(alice.iban);
    assertThat(card.getJsonObject("card_limit")).isEqualTo(amount("1000.00"));
    assertThat(read(alice, cardPath(alice, card), "CardDebit")).isEqualTo(card);

    Reply active = put(alice, cardPath(alice, card), new JsonObject().put("status", "ACTIVE"), false);
    assertThat(active.status()).as(active.text()).isEqualTo(200);
    assertThat(active.item(0, "CardDebit").getString("status")).isEqualTo("ACTIVE");
    assertThat(active.item(0, "CardDebit").getString("order_status")).isEqualTo("DELIVERED_TO_CUSTOMER");
    assertThat(read(alice, cardPath(alice, card), "CardDebit")).isEqualTo(active.item(0, "CardDebit"));
  }

  @Test
  void cardsAreListedNewestFirstWithBunqsPagination() {
    TestClient carol = TestClient.withSession(shared.emulator.baseUrl());
    long first = order(carol, body(carol)).getLong("id");
    long second = order(carol, body(carol).put("type", "MAESTRO").put("product_type", "MAESTRO_DEBIT"))
        .getLong("id");
    Reply page = carol.get(user(carol) + "/card?count=1");
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    assertThat(page.item(0, "CardDebit").getLong("id")).isEqualTo(second);
    String older = page.json().getJsonObject("Pagination").getString("older_url");
    assertThat(older).startsWith("/v1/user/" + carol.userId + "/card?count=1&older_id=" + second);
    Reply next = carol.get(older.substring("/v1".length()));
    assertThat(next.item(0, "CardDebit").getLong("id")).isEqualTo(first);
    assertThat(next.json().getJsonObject("Pagination").getString("older_url")).isNull();
  }

  @Test
  void orderIsRefusedNamingTheFieldThatIsWrong() {
    long bobsAccount = bob.accountId;
    assertRefused(b -> b.put("second_line", "Eighteen chars ok?"), "\"second_line\"");
    assertRefused(b -> {
      b.remove("second_line");
      return b;
    }, "\"second_line\"");
    assertRefused(b -> b.put("name_on_card", "Somebody Else"), "\"name_on_card\"");
    assertRefused(b -> b.put("type", "VISA"), "\"type\"");
    assertRefused(b -> b.put("product_type", "MAESTRO_DEBIT"), "\"product_type\"");
    assertRefused(b -> b.put("alias", pointer("EMAIL", "alice@example.com", "Alice")), "\"alias.type\"");
    assertRefused(b -> b.put("alias", pointer("IBAN", bob.iban, "Bob")), "\"alias.value\"");
    assertRefused(b -> b.put("pin_code_assignment", pins(pin("PRIMARY", bobsAccount))),
        "\"pin_code_assignment[0].monetary_account_id\"");
    assertRefused(b -> b.put("pin_code_assignment", pins(pin("SECONDARY", alice.accountId))),
        "\"pin_code_assignment\"");
    assertRefused(b -> b.put("pin_code_assignment", pins(pin("PRIMARY", alice.accountId),
        pin("PRIMARY", alice.accountId))), "\"pin_code_assignment[1].type\"");
    assertRefused(b -> b.put("pin_code_assignment", pins(pin("PRIMARY", alice.accountId).put("pin_code", "12"))),
        "\"pin_code_assignment[0].pin_code\"");
    assertRefused(b -> b.put("monetary_account_id_fallback", 42), "\"monetary_account_id_fallback\"");
    assertRefused(b -> b.put("order_status", "DELIVERED_TO_CUSTOMER"), "\"order_status\"");
    assertThat(alice.get(user(alice) + "/card").items().stream()
        .map(i -> ((JsonObject) i).getJsonObject("CardDebit").getString("second_line")))
        .as("no refused order made a card").doesNotContain("Eighteen chars ok?");
  }

  @Test
  void cardOfAnotherUserIsNotFound() {
    JsonObject card = order(alice, body(alice));
    Reply read = bob.get(user(bob) + "/card/" + card.getLong("id"));
    assertThat(read.status()).isEqualTo(404);
    assertThat(read.errorDescription()).contains("Card");
    Reply change = put(bob, user(bob) + "/card/" + card.getLong("id"), new JsonObject().put("status", "CANCELLED"),
        false);
    assertThat(change.status()).isEqualTo(404);
    Reply viaAlicesPath = bob.get(user(alice) + "/card/" + card.getLong("id"));
    assertThat(viaAlicesPath.status()).isEqualTo(404);
    assertThat(read(alice, cardPath(alice, card), "CardDebit").getString("status")).isEqualTo("DEACTIVATED");
  }

  @Test
  void updateChangesLimitsPinsAndLinesAndRefusesWhatBunqRefuses() {
    long savings = shared.openAccount(alice, null);
    JsonObject card = order(alice, body(alice));
    String path = cardPath(alice, card);
    Reply early = put(alice, path, new JsonObject().put("status", "DEACTIVATED"), false);
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.errorDescription()).contains("\"status\"");

    Reply changed = put(alice, path, new JsonObject().put("card_limit", amount("250.00"))
        .put("card_limit_atm", amount("50.00")).put("second_line", "Holidays")
        .put("pin_code_assignment", pins(pin("PRIMARY", savings), pin("SECONDARY", alice.accountId)))
        .put("monetary_account_id_fallback", alice.accountId), false);
    assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    JsonObject after = changed.item(0, "CardDebit");
    assertThat(after.getJsonObject("card_limit")).isEqualTo(amount("250.00"));
    assertThat(after.getJsonObject("card_limit_atm")).isEqualTo(amount("50.00"));
    assertThat(after.getString("second_line")).isEqualTo("Holidays");
    assertThat(after.getJsonObject("label_monetary_account_current").getString("iban"))
        .isEqualTo(SharedEmulator.iban(alice, savings));
    assertThat(after.getLong("monetary_account_id_fallback")).isEqualTo(alice.accountId);
    assertThat(after.getJsonObject("label_monetary_account_ordered").getString("iban")).isEqualTo(alice.iban);

    for (JsonObject bad : List.of(new JsonObject().put("status", "EXPIRED"),
        new JsonObject().put("card_limit", amount("-1.00")), new JsonObject().put("second_line", "x".repeat(18)),
        new JsonObject().put("pin_code", "1234"), new JsonObject().put("cancellation_reason", "lost it"))) {
      Reply refused = put(alice, path, bad, false);
      assertThat(refused.status()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.errorDescription()).as(bad.encode()).contains("\"" + bad.fieldNames().iterator().next());
    }
    assertThat(read(alice, path, "CardDebit")).as("refused changes changed nothing").isEqualTo(after);

    Reply cancelled = put(alice, path, new JsonObject().put("status", "CANCELLED")
        .put("cancellation_reason", "lost it"), false);
    assertThat(cancelled.item(0, "CardDebit").getString("status")).isEqualTo("CANCELLED");
    Reply revived = put(alice, path, new JsonObject().put("status", "ACTIVE"), false);
    assertThat(revived.status()).isEqualTo(400);
    assertThat(revived.errorDescription()).contains("CANCELLED");
  }

  @Test
  void cardPaymentsUseTheOrderedCardAndAreDeclinedWhileItIsNotActive() throws Exception {
    long account = shared.openAccount(alice, "30.00");
    JsonObject card = order(alice, body(alice).put("pin_code_assignment", pins(pin("PRIMARY", account))));
    long cardId = card.getLong("id");
    JsonObject declined = cardPayment(account, cardId);
    assertThat(declined.getString("decision")).isEqualTo("CARD_NOT_ACTIVE");
    assertThat(declined.getLong("card_id")).isEqualTo(cardId);
    assertThat(ResourceCalls.balance(alice, account)).isEqualTo("30.00");

    assertThat(put(alice, cardPath(alice, card), new JsonObject().put("status", "ACTIVE"), false).status())
        .isEqualTo(200);
    JsonObject allowed = shared.emulator.simulateCardPayment(account, "5.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    assertThat(allowed.getString("decision")).isEqualTo("ALLOWED");
    assertThat(allowed.getLong("card_id")).as("the card that pays from the account").isEqualTo(cardId);
    assertThat(allowed.getJsonObject("label_card").getString("uuid")).isEqualTo(card.getString("public_uuid"));
    assertThat(allowed.getJsonObject("label_card").getString("status")).isEqualTo("ACTIVE");

    assertThat(put(alice, cardPath(alice, card), new JsonObject().put("status", "DEACTIVATED"), false).status())
        .isEqualTo(200);
    assertThat(cardPayment(account, cardId).getString("decision")).isEqualTo("CARD_NOT_ACTIVE");
    assertThat(ResourceCalls.balance(alice, account)).isEqualTo("25.00");

    Reply otherAccount = admin(shared.emulator, "/emulator/admin/card-payment", new JsonObject()
        .put("monetary_account_id", alice.accountId).put("card_id", cardId).put("amount", "1.00")
        .put("merchant_name", "Kiosk").encode());
    assertThat(otherAccount.status()).isEqualTo(400);
    assertThat(otherAccount.errorDescription()).contains("does not pay from");
  }

  @Test
  void firstCardPaymentOnAnAccountWithoutCardMakesAnActiveCardTheUserSees() throws Exception {
    TestClient dave = TestClient.withSession(shared.emulator.baseUrl());
    JsonObject first = shared.emulator.simulateCardPayment(dave.accountId, "1.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    JsonObject second = shared.emulator.simulateCardPayment(dave.accountId, "1.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    assertThat(second.getLong("card_id")).isEqualTo(first.getLong("card_id"));
    JsonObject card = read(dave, user(dave) + "/card/" + first.getLong("card_id"), "CardDebit");
    assertThat(card.getString("status")).isEqualTo("ACTIVE");
    assertThat(card.getJsonArray("pin_code_assignment").getJsonObject(0).getLong("monetary_account_id"))
        .isEqualTo(dave.accountId);
    assertThat(dave.get(user(dave) + "/card").items()).hasSize(1);
  }

  private static JsonObject cardPayment(long account, long cardId) {
    Reply reply = admin(shared.emulator, "/emulator/admin/card-payment", new JsonObject()
        .put("monetary_account_id", account).put("card_id", cardId).put("amount", "1.00")
        .put("merchant_name", "Kiosk").encode());
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.item(0, "MasterCardAction");
  }

  private void assertRefused(UnaryOperator<JsonObject> change, String field) {
    JsonObject body = change.apply(body(alice));
    Reply reply = post(alice, user(alice) + "/card-debit", body);
    assertThat(reply.status()).as(body.encode() + " answered " + reply.text()).isEqualTo(400);
    assertThat(reply.errorDescription()).as(body.encode()).contains(field);
  }

  /** A card-debit body as bunq's SDK sends one. */
  static JsonObject body(TestClient client) {
    return new JsonObject().put("second_line", "Groceries").put("name_on_card", firstName(client))
        .put("type", "MASTERCARD").put("product_type", "MASTERCARD_DEBIT");
  }

  static JsonObject order(TestClient client, JsonObject body) {
    Reply reply = post(client, user(client) + "/card-debit", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.item(0, "CardDebit");
  }

  private static String firstName(TestClient client) {
    return client.get(user(client) + "/card-name").item(0, "CardUserNameArray")
        .getJsonArray("possible_card_name_array").getString(0);
  }

  private static JsonArray pins(JsonObject... pins) {
    return new JsonArray(List.of((Object[]) pins));
  }

  private static JsonObject pin(String type, long accountId) {
    return new JsonObject().put("type", type).put("monetary_account_id", accountId);
  }

  static String user(TestClient client) {
    return "/user/" + client.userId;
  }

  static String cardPath(TestClient client, JsonObject card) {
    return user(client) + "/card/" + card.getLong("id");
  }
}
