package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PaginationTest {

  private BunqEmulator emulator;
  private TestClient payer;
  private final List<Long> created = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions());
    payer = TestClient.withSession(emulator.baseUrl());
    for (int i = 0; i < 25; i++) {
      Reply reply = payer.pay(Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "payment " + i).encode());
      assertThat(reply.status()).isEqualTo(200);
      created.add(reply.item(0, "Id").getLong("id"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void walksOlderPagesNewestFirstWithBunqUrlPattern() {
    String path = "/v1" + payer.paymentsPath();
    Reply first = payer.get(payer.paymentsPath() + "?count=10");
    assertThat(ids(first)).containsExactlyElementsOf(expected(24, 15));
    JsonObject p1 = first.json().getJsonObject("Pagination");
    assertThat(p1.fieldNames()).containsExactly("future_url", "newer_url", "older_url");
    assertThat(p1.getString("future_url")).isEqualTo(path + "?count=10&newer_id=" + created.get(24));
    assertThat(p1.getValue("newer_url")).isNull();
    assertThat(p1.getString("older_url")).isEqualTo(path + "?count=10&older_id=" + created.get(15));

    Reply second = payer.get(p1.getString("older_url"));
    assertThat(ids(second)).containsExactlyElementsOf(expected(14, 5));
    JsonObject p2 = second.json().getJsonObject("Pagination");
    assertThat(p2.getValue("future_url")).isNull();
    assertThat(p2.getString("newer_url")).isEqualTo(path + "?count=10&newer_id=" + created.get(14));
    assertThat(p2.getString("older_url")).isEqualTo(path + "?count=10&older_id=" + created.get(5));

    Reply third = payer.get(p2.getString("older_url"));
    assertThat(ids(third)).containsExactlyElementsOf(expected(4, 0));
    JsonObject p3 = third.json().getJsonObject("Pagination");
    assertThat(p3.getValue("future_url")).isNull();
    assertThat(p3.getString("newer_url")).isEqualTo(path + "?count=10&newer_id=" + created.get(4));
    assertThat(p3.getValue("older_url")).isNull();

    Reply back = payer.get(p3.getString("newer_url"));
    assertThat(ids(back)).containsExactlyElementsOf(expected(14, 5));
    assertThat(payer.serverSignatureValid(back)).isTrue();
  }

  @Test
  void defaultCountIsTenAndFutureUrlPollsForNewItems() {
    Reply first = payer.get(payer.paymentsPath());
    assertThat(ids(first)).hasSize(10);
    String future = first.json().getJsonObject("Pagination").getString("future_url");
    assertThat(future).contains("count=10&newer_id=" + created.get(24));

    Reply nothingNew = payer.get(future);
    assertThat(nothingNew.items()).isEmpty();
    assertThat(nothingNew.json().getJsonObject("Pagination").getString("future_url")).isEqualTo(future);

    Reply pay = payer.pay(Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "late").encode());
    Reply fresh = payer.get(future);
    assertThat(ids(fresh)).containsExactly(pay.item(0, "Id").getLong("id"));
  }

  @Test
  void rejectsCountAboveTwoHundred() {
    Reply reply = payer.get(payer.paymentsPath() + "?count=201");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).contains("count");
  }

  private List<Long> expected(int fromIndex, int toIndex) {
    List<Long> ids = new ArrayList<>();
    for (int i = fromIndex; i >= toIndex; i--) {
      ids.add(created.get(i));
    }
    return ids;
  }

  private static List<Long> ids(Reply reply) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonArray items = reply.items();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ids.add(items.getJsonObject(i).getJsonObject("Payment").getLong("id"));
    }
    return ids;
  }
}
