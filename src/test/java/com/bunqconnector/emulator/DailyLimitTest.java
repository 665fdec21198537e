package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.balance;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code enforceDailyLimits} on, an account's outgoing payments of a day stay within its daily_limit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DailyLimitTest {

  private static final ManualClock CLOCK = ManualClock.startingAt(Instant.parse("2025-06-02T10:00:00Z"));
  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setClock(CLOCK)
      .setEnforceDailyLimits(true));

  @Test
  void paymentsBeyondTheDailyLimitAreRefusedUntilTheNextDay() {
    TestClient alice = shared.alice;
    long account = accountLimitedTo(alice, "50.00");
    String payments = accountPath(alice, account) + "/payment";
    assertThat(pay(alice, payments, "30.00").status()).isEqualTo(200);
    Reply over = pay(alice, payments, "30.00");
    assertThat(over.status()).as(over.text()).isEqualTo(400);
    assertThat(over.errorDescription()).isEqualTo("This payment exceeds the daily limit of monetary account "
        + account + ": 20.00 of 50.00 EUR is left today.");
    assertThat(pay(alice, payments, "20.00").status()).as("exactly up to the limit").isEqualTo(200);
    assertThat(balance(alice, account)).isEqualTo("150.00");

    CLOCK.advance(Duration.ofDays(1));
    assertThat(pay(alice, payments, "50.00").status()).as("a new day, a new limit").isEqualTo(200);
  }

  @Test
  void aDraftWhoseEntriesTogetherExceedTheLimitBooksNone() throws Exception {
    TestClient bob = shared.bob;
    long account = accountLimitedTo(bob, "50.00");
    JsonArray entries = new JsonArray();
    for (int i = 0; i < 2; i++) {
      entries.add(new JsonObject().put("amount", amount("30.00"))
          .put("counterparty_alias", pointer("IBAN", shared.alice.iban, "Alice")).put("description", "part " + i));
    }
    long draft = create(bob, accountPath(bob, account) + "/draft-payment",
        new JsonObject().put("number_of_required_accepts", 1).put("entries", entries));
    assertThat(shared.emulator.acceptDraftPayment(draft).toCompletionStage().toCompletableFuture()
        .handle((ok, failure) -> failure).get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("daily limit");
    assertThat(balance(bob, account)).as("neither entry was booked").isEqualTo("200.00");
  }

  /** A new account of the client, funded with 200.00 EUR, whose daily_limit is {@code limit}. */
  private static long accountLimitedTo(TestClient client, String limit) {
    long account = shared.openAccount(client, "200.00");
    Reply limited = put(client, "/user/" + client.userId + "/monetary-account-bank/" + account,
        new JsonObject().put("daily_limit", amount(limit)), false);
    assertThat(limited.status()).as(limited.text()).isEqualTo(200);
    return account;
  }

  private static Reply pay(TestClient client, String payments, String value) {
    String body = Emulators.payment(value, "IBAN", "NL91ABNA0417164300", "limited").encode();
    return client.send("POST", payments, client.sessionToken, body, true);
  }
}
