package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.CardOrderTest.body;
import static com.bunqconnector.emulator.CardOrderTest.cardPath;
import static com.bunqconnector.emulator.CardOrderTest.order;
import static com.bunqconnector.emulator.CardOrderTest.user;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A durable emulator keeps its cards, with their status and settings, across a restart. */
class DurableCardTest extends DurableEmulatorTestBase {

  @Test
  void restartedEmulatorKeepsCardsWithTheirStatusAndSettings() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    JsonObject ordered = order(alice, body(alice));
    Reply activated = put(alice, cardPath(alice, ordered), new JsonObject().put("status", "ACTIVE")
        .put("card_limit", amount("300.00")).put("monetary_account_id_fallback", alice.accountId), false);
    assertThat(activated.status()).as(activated.text()).isEqualTo(200);
    JsonObject lost = order(alice, body(alice).put("type", "MAESTRO").put("product_type", "MAESTRO_DEBIT"));
    assertThat(put(alice, cardPath(alice, lost), new JsonObject().put("status", "LOST"), false).status())
        .isEqualTo(200);
    JsonArray cardsBefore = alice.get(user(alice) + "/card").items();

    emulator = restart(emulator);

    assertThat(alice.get(user(alice) + "/card").items()).isEqualTo(cardsBefore);
    assertThat(read(alice, cardPath(alice, lost), "CardDebit").getString("status")).isEqualTo("LOST");
    Reply revived = put(alice, cardPath(alice, lost), new JsonObject().put("status", "ACTIVE"), false);
    assertThat(revived.status()).as("LOST stays LOST").isEqualTo(400);
    JsonObject payment = emulator.simulateCardPayment(alice.accountId, "2.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    assertThat(payment.getString("decision")).isEqualTo("ALLOWED");
    assertThat(payment.getLong("card_id")).as("the active ordered card pays").isEqualTo(ordered.getLong("id"));
    JsonObject another = order(alice, body(alice));
    assertThat(another.getLong("id")).isGreaterThan(lost.getLong("id"));
  }

  @Test
  void cardOfAnOlderStateFileComesBackAsTheAccountsActiveCard() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    JsonObject first = emulator.simulateCardPayment(alice.accountId, "1.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    long cardId = first.getLong("card_id");
    int port = emulator.port();
    Emulators.stop(emulator);
    emulator = null;
    SavedState.rewrite(dir, 3);
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject state = new JsonObject(Files.readString(file));
    JsonObject card = state.getJsonArray("cards").getJsonObject(0);
    JsonObject old = new JsonObject().put("accountId", card.getValue("accountId")).put("id", card.getValue("id"))
        .put("uuid", card.getValue("uuid")).put("expiryDate", card.getValue("expiryDate"))
        .put("secondLine", card.getValue("secondLine"));
    Files.writeString(file, state.put("cards", new JsonArray().add(old)).encode());

    emulator = start(port);

    JsonObject restored = read(alice, user(alice) + "/card/" + cardId, "CardDebit");
    assertThat(restored.getString("status")).isEqualTo("ACTIVE");
    assertThat(restored.getString("public_uuid")).isEqualTo(first.getJsonObject("label_card").getString("uuid"));
    assertThat(restored.getString("expiry_date")).isEqualTo(first.getJsonObject("label_card")
        .getString("expiry_date"));
    assertThat(restored.getJsonArray("pin_code_assignment").getJsonObject(0).getLong("monetary_account_id"))
        .isEqualTo(alice.accountId);
    JsonObject second = emulator.simulateCardPayment(alice.accountId, "1.00", "Kiosk", "NL", false)
        .await(10, TimeUnit.SECONDS);
    assertThat(second.getLong("card_id")).isEqualTo(cardId);
  }

  private BunqEmulator start(int port) throws Exception {
    return Emulators.start(vertx, durable(port).setSeed(EmulatorSeed.EMPTY));
  }

  private BunqEmulator restart(BunqEmulator running) throws Exception {
    return start(stopForRestart(running));
  }
}
