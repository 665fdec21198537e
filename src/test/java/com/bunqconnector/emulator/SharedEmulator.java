package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * One emulator with two sandbox users (each with a session and a well-funded first account),
 * shared by the tests of a class: opening a user costs two RSA key generations, an account costs
 * nothing. Tests keep out of each other's way by opening their own accounts and setting callback
 * filters on those accounts only.
 */
final class SharedEmulator {

  final Vertx vertx;
  final BunqEmulator emulator;
  final TestClient alice;
  final TestClient bob;

  private SharedEmulator(Vertx vertx, BunqEmulator emulator) {
    this.vertx = vertx;
    this.emulator = emulator;
    this.alice = TestClient.withSession(emulator.baseUrl());
    this.bob = TestClient.withSession(emulator.baseUrl());
  }

  /** Starts an emulator whose sandbox users open with {@code initialBalance} EUR. */
  static SharedEmulator start(EmulatorOptions options) throws Exception {
    Vertx vertx = Vertx.vertx();
    return new SharedEmulator(vertx, Emulators.start(vertx, options));
  }

  void stop() throws Exception {
    Emulators.stop(emulator);
    vertx.close().await(15, TimeUnit.SECONDS);
  }

  /** Opens a new account for the client, funded from its first account when {@code funding} is not null. */
  long openAccount(TestClient client, String funding) {
    long id = create(client, "/user/" + client.userId + "/monetary-account-bank",
        new JsonObject().put("currency", "EUR"));
    if (funding != null) {
      Reply paid = client.pay(Emulators.payment(funding, "IBAN", iban(client, id), "funding").encode());
      assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    }
    return id;
  }

  /** The IBAN of one of the client's accounts. */
  static String iban(TestClient client, long accountId) {
    JsonArray alias = read(client, "/user/" + client.userId + "/monetary-account-bank/" + accountId,
        "MonetaryAccountBank").getJsonArray("alias");
    for (int i = 0; i < alias.size(); i++) {
      if ("IBAN".equals(alias.getJsonObject(i).getString("type"))) {
        return alias.getJsonObject(i).getString("value");
      }
    }
    throw new AssertionError("account " + accountId + " has no IBAN alias");
  }
}
