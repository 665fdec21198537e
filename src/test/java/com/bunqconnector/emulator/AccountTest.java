package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.post;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccountTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("100.00"));
  private final TestClient alice = shared.alice;
  private final String banks = "/user/" + alice.userId + "/monetary-account-bank";

  @Test
  void newAccountHasItsOwnIbanNoMoneyAndTheGivenSettings() {
    long id = create(alice, banks, new JsonObject()
        .put("currency", "EUR")
        .put("description", "Holidays")
        .put("daily_limit", amount("250"))
        .put("setting", new JsonObject().put("color", "#00FF00").put("restriction_chat", "BLOCK_INCOMING")));

    JsonObject account = read(alice, banks + "/" + id, "MonetaryAccountBank");
    assertThat(account.getLong("id")).isEqualTo(id);
    assertThat(account.getString("description")).isEqualTo("Holidays");
    assertThat(account.getJsonObject("daily_limit")).isEqualTo(amount("250.00"));
    assertThat(account.getJsonObject("balance")).isEqualTo(amount("0.00"));
    assertThat(account.getString("status")).isEqualTo("ACTIVE");
    assertThat(account.getLong("user_id")).isEqualTo(alice.userId);
    assertThat(account.getJsonObject("setting").getString("color")).isEqualTo("#00FF00");
    assertThat(account.getJsonObject("setting").getString("restriction_chat")).isEqualTo("BLOCK_INCOMING");
    String iban = iban(account);
    assertThat(Iban.isValid(iban)).isTrue();
    assertThat(iban).isNotEqualTo(alice.iban);

    Reply all = alice.get("/user/" + alice.userId + "/monetary-account?count=200");
    assertThat(all.items().size()).isGreaterThanOrEqualTo(2);
    assertThat(all.item(0, "MonetaryAccountBank").getLong("id")).as("oldest first").isEqualTo(alice.accountId);
    assertThat(all.item(all.items().size() - 1, "MonetaryAccountBank").getLong("id")).isEqualTo(id);
    assertThat(all.json().getJsonObject("Pagination").fieldNames())
        .containsExactly("future_url", "newer_url", "older_url");
    assertThat(read(alice, "/user/" + alice.userId + "/monetary-account/" + id, "MonetaryAccountBank"))
        .isEqualTo(account);

    BigDecimal before = new BigDecimal(balance(alice, alice.accountId));
    Reply paid = alice.pay(Emulators.payment("30.00", "IBAN", iban, "to my savings").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    assertThat(balance(alice, id)).isEqualTo("30.00");
    assertThat(new BigDecimal(balance(alice, alice.accountId)))
        .isEqualByComparingTo(before.subtract(new BigDecimal("30.00")));
  }

  @Test
  void accountCreatedWithOnlyACurrencyGetsBunqsDefaults() {
    long id = create(alice, banks, new JsonObject().put("currency", "EUR"));
    JsonObject account = read(alice, banks + "/" + id, "MonetaryAccountBank");
    assertThat(account.getString("description")).isEqualTo("bunq account");
    assertThat(account.getJsonObject("daily_limit")).isEqualTo(amount("1000.00"));
    assertThat(account.getString("sub_status")).isEqualTo("NONE");
    assertThat(account.getValue("reason")).isNull();
  }

  @Test
  void updateChangesDescriptionLimitAndSettingAndAnswersWithTheId() {
    long id = shared.openAccount(alice, null);
    Reply updated = put(alice, banks + "/" + id, new JsonObject()
        .put("description", "Main")
        .put("daily_limit", amount("10000.00"))
        .put("setting", new JsonObject().put("color", "#123456")), false);
    assertThat(updated.status()).as(updated.text()).isEqualTo(200);
    assertThat(updated.item(0, "Id").getLong("id")).isEqualTo(id);
    JsonObject account = read(alice, banks + "/" + id, "MonetaryAccountBank");
    assertThat(account.getString("description")).isEqualTo("Main");
    assertThat(account.getJsonObject("daily_limit").getString("value")).isEqualTo("10000.00");
    assertThat(account.getJsonObject("setting").getString("color")).isEqualTo("#123456");
    assertThat(account.getJsonObject("setting").getString("restriction_chat")).isEqualTo("ALLOW_INCOMING");
  }

  @Test
  void closingNeedsBunqsFieldsAnEmptyAccountAndAnotherOpenOne() {
    long savings = shared.openAccount(alice, null);
    long funded = shared.openAccount(alice, "1.00");
    JsonObject close = new JsonObject().put("status", "CANCELLED").put("sub_status", "REDEMPTION_VOLUNTARY")
        .put("reason", "OTHER").put("reason_description", "Not needed");

    Reply noSubStatus = put(alice, banks + "/" + savings, close.copy().put("sub_status", null), false);
    assertThat(noSubStatus.status()).isEqualTo(400);
    assertThat(noSubStatus.errorDescription()).contains("\"sub_status\"");
    Reply noReason = put(alice, banks + "/" + savings, close.copy().put("reason", "BORED"), false);
    assertThat(noReason.errorDescription()).contains("\"reason\"");
    Reply withMoney = put(alice, banks + "/" + funded, close, false);
    assertThat(withMoney.status()).isEqualTo(400);
    assertThat(withMoney.errorDescription()).contains("balance");

    Reply closed = put(alice, banks + "/" + savings, close, false);
    assertThat(closed.status()).as(closed.text()).isEqualTo(200);
    JsonObject account = read(alice, banks + "/" + savings, "MonetaryAccountBank");
    assertThat(account.getString("status")).isEqualTo("CANCELLED");
    assertThat(account.getString("sub_status")).isEqualTo("REDEMPTION_VOLUNTARY");
    assertThat(account.getString("reason")).isEqualTo("OTHER");
    assertThat(account.getString("reason_description")).isEqualTo("Not needed");

    Reply again = put(alice, banks + "/" + savings, new JsonObject().put("description", "x"), false);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.errorDescription()).contains("CANCELLED");
    String before = balance(alice, alice.accountId);
    Reply toClosed = alice.pay(Emulators.payment("1.00", "IBAN", iban(account), "too late").encode());
    assertThat(toClosed.status()).isEqualTo(400);
    assertThat(toClosed.errorDescription()).contains("not active");
    assertThat(balance(alice, alice.accountId)).isEqualTo(before);

    TestClient carol = TestClient.withSession(shared.emulator.baseUrl());
    assertThat(carol.pay(Emulators.payment("100.00", "IBAN", alice.iban, "all of it").encode()).status())
        .isEqualTo(200);
    Reply last = put(carol, "/user/" + carol.userId + "/monetary-account-bank/" + carol.accountId, close, false);
    assertThat(last.status()).isEqualTo(400);
    assertThat(last.errorDescription()).contains("last active");
  }

  @Test
  void listingsStartWithTheOldestAccountSoTheFirstActiveOneStaysThePrimary() {
    TestClient dave = TestClient.withSession(shared.emulator.baseUrl());
    long second = shared.openAccount(dave, null);
    long third = shared.openAccount(dave, null);
    String path = "/user/" + dave.userId + "/monetary-account-bank";

    Reply first = dave.get(path + "?count=2");
    assertThat(ids(first)).containsExactly(dave.accountId, second);
    assertThat(first.json().getJsonObject("Pagination").getString("older_url")).isNull();
    assertThat(first.json().getJsonObject("Pagination").getString("future_url")).isNull();
    String newer = first.json().getJsonObject("Pagination").getString("newer_url");
    assertThat(newer).isEqualTo("/v1" + path + "?count=2&newer_id=" + second);

    Reply rest = dave.get(newer.substring("/v1".length()));
    assertThat(ids(rest)).containsExactly(third);
    assertThat(rest.json().getJsonObject("Pagination").getString("newer_url")).isNull();
    String older = rest.json().getJsonObject("Pagination").getString("older_url");
    assertThat(ids(dave.get(older.substring("/v1".length())))).as("back to the first page, oldest first")
        .containsExactly(dave.accountId, second);
    assertThat(ids(dave.get("/user/" + dave.userId + "/monetary-account"))).as("the generic listing too")
        .containsExactly(dave.accountId, second, third);
  }

  @Test
  void invalidAccountFieldsAreNamedInA400() {
    int accounts = alice.get("/user/" + alice.userId + "/monetary-account?count=200").items().size();
    List<Map.Entry<String, JsonObject>> creates = List.of(
        Map.entry("currency", new JsonObject()),
        Map.entry("currency", new JsonObject().put("currency", "USD")),
        Map.entry("daily_limit.value", eur().put("daily_limit", amount("10000.01"))),
        Map.entry("daily_limit.value", eur().put("daily_limit", amount("0.00"))),
        Map.entry("daily_limit.currency", eur().put("daily_limit", new JsonObject().put("value", "5")
            .put("currency", "GBP"))),
        Map.entry("description", eur().put("description", 7)),
        Map.entry("description", eur().put("description", "x".repeat(AccountRoutes.MAX_DESCRIPTION + 1))),
        Map.entry("setting.restriction_chat", eur().put("setting", new JsonObject().put("restriction_chat", "NO"))),
        Map.entry("setting.shape", eur().put("setting", new JsonObject().put("shape", "round"))),
        Map.entry("country_iban", eur().put("country_iban", "DE")),
        Map.entry("status", eur().put("status", "BLOCKED")));
    for (Map.Entry<String, JsonObject> entry : creates) {
      Reply reply = post(alice, banks, entry.getValue());
      assertThat(reply.status()).as(entry.getValue().encode()).isEqualTo(400);
      assertThat(reply.errorDescription()).as(entry.getValue().encode()).contains("\"" + entry.getKey() + "\"");
    }
    Reply blocked = put(alice, banks + "/" + alice.accountId, new JsonObject().put("status", "BLOCKED"), false);
    assertThat(blocked.errorDescription()).contains("\"status\"");
    Reply reason = put(alice, banks + "/" + alice.accountId, new JsonObject().put("reason", "OTHER"), false);
    assertThat(reason.errorDescription()).contains("\"reason\"");
    Reply unknown = put(alice, banks + "/42", new JsonObject().put("description", "x"), false);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(alice.get("/user/" + alice.userId + "/monetary-account?count=200").items()).hasSize(accounts);
  }

  private static JsonObject eur() {
    return new JsonObject().put("currency", "EUR");
  }

  private static String iban(JsonObject account) {
    JsonArray alias = account.getJsonArray("alias");
    for (int i = 0; i < alias.size(); i++) {
      if ("IBAN".equals(alias.getJsonObject(i).getString("type"))) {
        return alias.getJsonObject(i).getString("value");
      }
    }
    throw new AssertionError("no IBAN alias in " + account.encode());
  }

  private static List<Long> ids(Reply listing) {
    assertThat(listing.status()).as(listing.text()).isEqualTo(200);
    return IntStream.range(0, listing.items().size())
        .mapToObj(i -> listing.item(i, "MonetaryAccountBank").getLong("id")).toList();
  }
}
