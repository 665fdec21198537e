package com.bunqconnector.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.bus.BunqApi.Alias;
import com.bunqconnector.bus.BunqApi.Amount;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Amounts that bunq would not take are refused where they are made, and the typed helpers fail
 * their future (never throw) for bad arguments, before anything goes on the bus.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BunqApiTest {

  private static Vertx vertx;
  private static final List<Object> sent = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().consumer(Addresses.API, message -> {
      sent.add(message.body());
      message.fail(500, "not expected");
    });
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @ParameterizedTest(name = "Amount.eur(\"{0}\") is refused")
  @ValueSource(strings = {"0.001", "1e2", "1E2", "12.505", "1,00", " 1.00", "", "+1.00", ".5", "NaN"})
  void amountWithMoreThanTwoDecimalsOrInAnotherFormIsRefused(String text) {
    assertThatThrownBy(() -> Amount.eur(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amount '" + text + "'");
  }

  @Test
  void amountsBunqTakesAreKept() {
    assertThat(Amount.eur("12.50").toJson()).isEqualTo(new JsonObject().put("value", "12.50").put("currency", "EUR"));
    assertThat(Amount.eur("7").toJson().getString("value")).isEqualTo("7.00");
    assertThat(Amount.of(new JsonObject().put("value", "-0.10").put("currency", "EUR")).value())
        .isEqualByComparingTo("-0.10");
    assertThat(new Amount(new BigDecimal("1.500"), "EUR").toJson().getString("value")).isEqualTo("1.50");
  }

  @Test
  void decimalWithMoreThanTwoPlacesIsRefusedByTheConstructor() {
    assertThatThrownBy(() -> new Amount(new BigDecimal("0.001"), "EUR")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.001");
    assertThatThrownBy(() -> new Amount(BigDecimal.ONE, "euro")).hasMessageContaining("currency 'euro'");
  }

  @Test
  void helpersFailTheirFutureForBadArgumentsAndSendNothing() {
    BunqApi.User user = BunqApi.create(vertx).user("acme", "alice");
    Alias bob = Alias.iban("NL91BUNQ2025100019", "Bob");
    List<Future<?>> calls = List.of(user.pay(1, null, bob, "x"), user.pay(1, Amount.eur("1.00"), null, "x"),
        user.requestMoney(1, null, bob, "x"), user.draftPayment(1, Amount.eur("1.00"), null, "x"),
        user.replaceNotificationFilters(null));
    for (Future<?> call : calls) {
      Throwable failure = call.map(r -> (Throwable) null).otherwise(e -> e).await();
      assertThat(failure).isInstanceOf(NullPointerException.class);
    }
    assertThat(sent).isEmpty();
  }
}
