package com.bunqconnector.cli;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.BusFailures;
import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.config.NodeConfig.DemoConfig;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job's demo, driven as an application would drive the connector: it opens every
 * user's context, registers their callbacks, looks up each user's account over {@code bunq.api},
 * then pays in rounds: each user pays the next user of the tenant, and the first user of each
 * tenant pays the first of the next tenant, so money goes round and balances stay level.
 */
final class DemoJobVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DemoJobVerticle.class);
  private static final Set<String> PAYMENT_CATEGORIES = Set.of("PAYMENT", "MUTATION");

  /** A demo user's account, as the demo pays from and to it. */
  record Account(TenantConfig tenant, String user, long id, String iban, String name) {
  }

  private final ConnectorNode node;
  private final DemoConfig demo;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final AtomicLong payments = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong expectedCallbacks = new AtomicLong();
  private final List<Future<?>> inFlight = new ArrayList<>();
  private final Promise<Void> firstRound = Promise.promise();
  private Future<Void> prepared = Future.succeededFuture();
  private long roundTimer = -1;
  private boolean stopped;
  private long round;
  private long maxRounds = Long.MAX_VALUE;

  DemoJobVerticle(ConnectorNode node, DemoConfig demo) {
    this.node = node;
    this.demo = demo;
  }

  /**
   * Pays at most this many rounds: a run of fixed length makes the rounds that start within it, so
   * that its summary does not depend on whether the last round beat the stop by a millisecond.
   */
  DemoJobVerticle maxRounds(long rounds) {
    this.maxRounds = Math.max(1, rounds);
    return this;
  }

  long payments() {
    return payments.get();
  }

  long errors() {
    return errors.get();
  }

  /** Callbacks the successful payments should cause, by the tenants' PAYMENT and MUTATION consumers. */
  long expectedCallbacks() {
    return expectedCallbacks.get();
  }

  /** Completes when the first round's payments have ended (or when there was nothing to pay). */
  Future<Void> firstRound() {
    return firstRound.future();
  }

  @Override
  public Future<?> start() {
    prepared = prepare();
    prepared.onComplete(done -> {
      if (!stopped && !accounts.isEmpty()) {
        payRound();
        Future.join(new ArrayList<>(inFlight)).onComplete(paid -> firstRound.tryComplete());
        roundTimer = vertx.setPeriodic(demo.paymentRoundSeconds() * 1000L, id -> payRound());
      } else {
        firstRound.tryComplete();
      }
    });
    return Future.succeededFuture();
  }

  /** Stops paying and completes once the payments under way have ended. Runs on this verticle's context. */
  Future<Void> stopPayments() {
    Promise<Void> stoppedPayments = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      vertx.cancelTimer(roundTimer);
      prepared.transform(done -> Future.join(new ArrayList<>(inFlight)))
          .onComplete(all -> stoppedPayments.complete());
    });
    return stoppedPayments.future();
  }

  /**
   * Completes once every callback the demo's payments should cause has arrived and been
   * handled, or after the timeout, whichever comes first.
   */
  Future<Void> settle(CallbackStats stats, long timeoutMs) {
    Promise<Void> settled = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(50, id -> {
      long handled = stats.delivered() + stats.failed() + stats.unrouted();
      boolean quiet = stats.received() >= expectedCallbacks.get() && handled >= stats.received();
      if (quiet || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        settled.complete();
      }
    });
    return settled.future();
  }

  private Future<Void> prepare() {
    List<Future<?>> users = new ArrayList<>();
    for (TenantConfig tenant : node.config().tenants()) {
      for (String user : tenant.users().keySet()) {
        users.add(prepareUser(tenant, user));
      }
    }
    return Future.join(users).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> prepareUser(TenantConfig tenant, String user) {
    return node.sessions().context(tenant.id(), user)
        .compose(context -> node.filtersRegistered())
        .compose(reports -> {
          JsonObject report = reports.get(tenant.id());
          String refusal = report == null ? "the node registered no callback filters for the tenant"
              : report.getJsonObject("failed").getString(user);
          if (refusal != null) {
            return Future.failedFuture(new IllegalStateException("callback filters not registered: " + refusal));
          }
          return primaryAccount(tenant, user);
        })
        .onSuccess(account -> accounts.put(tenant.id() + "/" + user, account))
        .onFailure(e -> {
          errors.incrementAndGet();
          log.error("Demo could not prepare {}/{}: {}", tenant.id(), user, e.getMessage());
        })
        .mapEmpty();
  }

  private Future<Account> primaryAccount(TenantConfig tenant, String user) {
    JsonObject request = new JsonObject().put("tenant", tenant.id()).put("user", user).put("method", "GET")
        .put("path", "/user/{userId}/monetary-account-bank");
    return vertx.eventBus().<JsonObject>request(Addresses.API, request)
        .recover(e -> Future.failedFuture(new IllegalStateException("listing accounts failed: "
            + BusFailures.read(e).encode())))
        .compose(reply -> {
          for (Object item : reply.body().getJsonArray("Response", new JsonArray())) {
            JsonObject account = ((JsonObject) item).getJsonObject("MonetaryAccountBank");
            if (account != null && "ACTIVE".equals(account.getString("status"))) {
              for (Object alias : account.getJsonArray("alias", new JsonArray())) {
                JsonObject pointer = (JsonObject) alias;
                if ("IBAN".equals(pointer.getString("type"))) {
                  return Future.succeededFuture(new Account(tenant, user, account.getLong("id"),
                      pointer.getString("value"), pointer.getString("name", user)));
                }
              }
            }
          }
          return Future.failedFuture(new IllegalStateException("user has no active account with an IBAN"));
        });
  }

  private void payRound() {
    if (stopped || round >= maxRounds) {
      return;
    }
    round++;
    List<TenantConfig> tenants = node.config().tenants();
    for (int t = 0; t < tenants.size(); t++) {
      List<String> users = List.copyOf(tenants.get(t).users().keySet());
      for (int u = 0; u < users.size() && users.size() > 1; u++) {
        pay(account(tenants.get(t), users.get(u)), account(tenants.get(t), users.get((u + 1) % users.size())));
      }
      if (tenants.size() > 1) {
        TenantConfig next = tenants.get((t + 1) % tenants.size());
        pay(account(tenants.get(t), users.get(0)), account(next, List.copyOf(next.users().keySet()).get(0)));
      }
    }
  }

  private Account account(TenantConfig tenant, String user) {
    return accounts.get(tenant.id() + "/" + user);
  }

  private void pay(Account from, Account to) {
    if (from == null || to == null) {
      return;
    }
    JsonObject body = new JsonObject()
        .put("amount", new JsonObject().put("value", demo.amount()).put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", to.iban()).put("name", to.name()))
        .put("description", "bunq-connector demo round " + round + ": " + from.user() + " to " + to.user());
    JsonObject request = new JsonObject().put("tenant", from.tenant().id()).put("user", from.user())
        .put("method", "POST").put("path", "/user/{userId}/monetary-account/" + from.id() + "/payment")
        .put("body", body);
    Future<?> payment = vertx.eventBus().<JsonObject>request(Addresses.API, request)
        .onSuccess(reply -> {
          payments.incrementAndGet();
          expectedCallbacks.addAndGet(paymentCategories(from.tenant()) + paymentCategories(to.tenant()));
          log.info("Paid {} EUR from {}/{} to {}/{}", demo.amount(), from.tenant().id(), from.user(),
              to.tenant().id(), to.user());
        })
        .onFailure(e -> {
          errors.incrementAndGet();
          log.error("Payment from {}/{} to {}/{} failed: {}", from.tenant().id(), from.user(), to.tenant().id(),
              to.user(), BusFailures.read(e).encode());
        });
    inFlight.add(payment);
    payment.onComplete(done -> inFlight.remove(payment));
  }

  private static int paymentCategories(TenantConfig tenant) {
    return (int) tenant.categories().stream().filter(PAYMENT_CATEGORIES::contains).count();
  }
}
