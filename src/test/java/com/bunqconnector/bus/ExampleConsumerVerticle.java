package com.bunqconnector.bus;

import com.bunqconnector.bus.BunqApi.Alias;
import com.bunqconnector.bus.BunqApi.Amount;
import com.bunqconnector.bus.BunqApi.BunqCallException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's example consumer: an application verticle that pays a supplier from a user's
 * first account through the connector and reads the payment back. It runs on any node of the
 * cluster; the connector holds the user's bunq session. Config: {@code tenant}, {@code user},
 * {@code iban}, {@code name}, {@code amount}.
 */
public class ExampleConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ExampleConsumerVerticle.class);

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    BunqApi.User user = BunqApi.create(vertx).user(conf.getString("tenant"), conf.getString("user"));
    Amount amount = Amount.eur(conf.getString("amount"));
    return user.accounts()
        .compose(accounts -> {
          JsonObject account = accounts.get(0);
          BigDecimal balance = Amount.of(account.getJsonObject("balance")).value();
          if (balance.compareTo(amount.value()) < 0) {
            return Future.failedFuture("balance " + balance + " is less than " + amount.value());
          }
          long accountId = account.getLong("id");
          return user.pay(accountId, amount, Alias.iban(conf.getString("iban"), conf.getString("name")), "Invoice 42")
              .compose(paymentId -> user.payment(accountId, paymentId));
        })
        .onSuccess(payment -> log.info("Paid {} EUR, payment {}", Amount.of(payment.getJsonObject("amount")).value()
            .negate(), payment.getLong("id")))
        .recover(failure -> {
          if (failure instanceof BunqCallException call && call.mayHaveBeenCarriedOut()) {
            log.warn("bunq may have booked the payment: check before paying again ({})", call.descriptions());
          }
          return Future.failedFuture(failure);
        });
  }
}
