package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00"));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;

  @Test
  void feedShowsEveryKindOfObjectNewestFirstAndPagesBackwards() throws Exception {
    TestClient carol = TestClient.withSession(shared.emulator.baseUrl());
    String account = accountPath(carol);
    assertThat(carol.pay(Emulators.payment("1.00", "IBAN", bob.iban, "lunch").encode()).status()).isEqualTo(200);
    create(carol, account + "/request-inquiry", new JsonObject().put("amount_inquired", amount("10.00"))
        .put("counterparty_alias", pointer("EMAIL", "sugardaddy@bunq.com", "Sugar Daddy"))
        .put("description", "top up").put("allow_bunqme", false));
    create(carol, account + "/draft-payment", draft("2.00"));
    shared.emulator.simulateCardPayment(carol.accountId, "3.00", "Cafe", "NL", false).await(10, TimeUnit.SECONDS);

    String path = "/user/" + carol.userId + "/event";
    Reply first = carol.get(path + "?count=2");
    assertThat(types(first)).containsExactly("MasterCardAction", "DraftPayment");
    JsonObject pagination = first.json().getJsonObject("Pagination");
    assertThat(pagination.getValue("newer_url")).isNull();
    assertThat(pagination.getString("future_url")).startsWith("/v1" + path + "?count=2&newer_id=");
    Reply second = follow(carol, pagination.getString("older_url"));
    assertThat(types(second)).containsExactly("Payment", "RequestInquiry");
    Reply third = follow(carol, second.json().getJsonObject("Pagination").getString("older_url"));
    assertThat(types(third)).containsExactly("Payment");
    assertThat(third.json().getJsonObject("Pagination").getValue("older_url")).isNull();

    JsonObject draftEvent = first.item(1, "Event");
    assertThat(draftEvent.fieldNames()).containsExactly("id", "created", "updated", "action", "user_id",
        "monetary_account_id", "object", "status");
    assertThat(draftEvent.getString("action")).isEqualTo("CREATE");
    assertThat(draftEvent.getString("user_id")).isEqualTo(Long.toString(carol.userId));
    assertThat(draftEvent.getString("monetary_account_id")).isEqualTo(Long.toString(carol.accountId));
    assertThat(draftEvent.getString("status")).isEqualTo("AWAITING_REPLY");
    assertThat(first.item(0, "Event").getString("status")).isEqualTo("FINALIZED");
    JsonObject inquiry = second.item(1, "Event").getJsonObject("object").getJsonObject("RequestInquiry");
    assertThat(inquiry.getString("status")).as("the object as it is now").isEqualTo("ACCEPTED");
    assertThat(read(carol, path + "/" + draftEvent.getLong("id"), "Event")).isEqualTo(draftEvent);
    assertThat(carol.get(path + "/42").status()).isEqualTo(404);
  }

  @Test
  void filtersByAccountAndStatusSurviveInThePaginationUrls() throws Exception {
    long account = shared.openAccount(alice, "10.00");
    String drafts = accountPath(alice, account) + "/draft-payment";
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(alice, drafts, draft("1.00")));
    }
    shared.emulator.acceptDraftPayment(ids.get(2)).await(10, TimeUnit.SECONDS);

    String path = "/user/" + alice.userId + "/event";
    Reply all = alice.get(path + "?monetary_account_id=" + account);
    assertThat(types(all)).containsExactly("Payment", "DraftPayment", "DraftPayment", "DraftPayment", "Payment");
    Reply pending = alice.get(path + "?count=1&status=AWAITING_REPLY&monetary_account_id=" + account);
    assertThat(objectIds(pending)).containsExactly(ids.get(1));
    String older = pending.json().getJsonObject("Pagination").getString("older_url");
    assertThat(older).contains("status=AWAITING_REPLY").contains("monetary_account_id=" + account);
    Reply next = follow(alice, older);
    assertThat(objectIds(next)).containsExactly(ids.get(0));
    assertThat(next.json().getJsonObject("Pagination").getValue("older_url")).isNull();
    Reply both = alice.get(path + "?count=200&monetary_account_id=" + account + "," + alice.accountId);
    assertThat(both.items().size()).isGreaterThan(all.items().size());

    assertThat(alice.get(path + "?status=DONE").errorDescription()).contains("\"status\"");
    assertThat(alice.get(path + "?monetary_account_id=abc").errorDescription()).contains("\"monetary_account_id\"");
    assertThat(alice.get(path + "?display_user_event=maybe").errorDescription()).contains("\"display_user_event\"");
    assertThat(alice.get(path + "?display_user_event=false&monetary_account_id=" + account).items()).hasSize(5);
  }

  private JsonObject draft(String value) {
    return new JsonObject().put("number_of_required_accepts", 1).put("entries", new JsonArray().add(new JsonObject()
        .put("amount", amount(value))
        .put("counterparty_alias", pointer("IBAN", bob.iban, "Bob"))
        .put("description", "draft")));
  }

  /** Follows a Pagination URL, which starts with {@code /v1} like the client's base URL ends. */
  private static Reply follow(TestClient client, String url) {
    assertThat(url).startsWith("/v1/");
    return client.get(url.substring("/v1".length()));
  }

  private static List<String> types(Reply reply) {
    List<String> types = new ArrayList<>();
    for (int i = 0; i < reply.items().size(); i++) {
      types.add(reply.item(i, "Event").getJsonObject("object").fieldNames().iterator().next());
    }
    return types;
  }

  private static List<Long> objectIds(Reply reply) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < reply.items().size(); i++) {
      JsonObject object = reply.item(i, "Event").getJsonObject("object");
      ids.add(object.getJsonObject(object.fieldNames().iterator().next()).getLong("id"));
    }
    return ids;
  }
}
