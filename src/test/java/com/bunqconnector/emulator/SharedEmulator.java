package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One emulator with two sandbox users (each with a session and a well-funded first account),
 * shared by the tests of a class: opening a user costs two RSA key generations, an account costs
 * nothing. Tests keep out of each other's way by opening their own accounts and setting callback
 * filters on those accounts only.
 *
 * <p>A class registers it as a static {@code @RegisterExtension} field: the emulator starts before
 * the class's first test and stops after its last. The fields are set from then on, so instance
 * fields of the test may copy them.
 */
final class SharedEmulator implements BeforeAllCallback, AfterAllCallback {

  private final EmulatorOptions options;
  Vertx vertx;
  BunqEmulator emulator;
  TestClient alice;
  TestClient bob;

  /** An emulator with these options (rate limits off, as {@link Emulators#start} does). */
  SharedEmulator(EmulatorOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    emulator = Emulators.start(vertx, options);
    alice = TestClient.withSession(emulator.baseUrl());
    bob = TestClient.withSession(emulator.baseUrl());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Emulators.stop(emulator);
    if (vertx != null) {
      vertx.close().await(15, TimeUnit.SECONDS);
    }
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
