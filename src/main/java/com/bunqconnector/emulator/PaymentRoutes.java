package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments of a monetary account: create (signature required), list with bunq pagination, and
 * read one. A payment to an emulated account moves the money and books the mirror Payment there;
 * any other counterparty means the money leaves the emulated bank.
 */
final class PaymentRoutes {

  private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);
  private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");
  private static final Set<String> POINTER_TYPES = Set.of("IBAN", "EMAIL", "PHONE_NUMBER");
  private static final int MAX_DESCRIPTION_EXTERNAL = 140;
  private static final int MAX_DESCRIPTION_INTERNAL = 9000;

  private final EmulatorState state;
  private final Guard guard;
  private final CallbackSender callbacks;

  PaymentRoutes(EmulatorState state, Guard guard, CallbackSender callbacks) {
    this.state = state;
    this.guard = guard;
    this.callbacks = callbacks;
  }

  void mount(Router router, Replies replies) {
    String base = "/v1/user/:userID/monetary-account/:accountID/payment";
    router.post(base).handler(replies.handler(this::create));
    router.get(base).handler(replies.handler(this::list));
    router.get(base + "/:paymentID").handler(replies.handler(this::get));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      Paging.Page<Payment> page = Paging.page(ctx.request().path(), ctx.queryParams(), state.paymentsOf(account.id));
      return Envelopes.listing(page.items().stream().map(p -> Envelopes.wrap("Payment", p.json())).toList(),
          page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      String raw = ctx.pathParam("paymentID");
      Payment payment = state.paymentsOf(account.id).values().stream()
          .filter(p -> Long.toString(p.id()).equals(raw))
          .findFirst()
          .orElseThrow(() -> ApiError.notFound("Payment for id \"" + raw + "\" not found."));
      return Envelopes.response(Envelopes.wrap("Payment", payment.json()));
    });
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    return guard.authorise(ctx, true).map(session -> {
      User user = guard.user(ctx, session);
      Account payer = guard.account(ctx, user);
      JsonObject body = Bodies.object(ctx, false);
      BigDecimal amount = amount(body);
      JsonObject alias = Bodies.object(body, "counterparty_alias");
      String type = pointerType(alias);
      String value = Bodies.string(alias, "value");
      String name = "IBAN".equals(type) ? Bodies.string(alias, "name") : alias.getString("name");
      if ("IBAN".equals(type) && !Iban.isValid(value)) {
        throw ApiError.badRequest("Field \"counterparty_alias.value\" is not a valid IBAN.");
      }
      Optional<Account> payee = resolve(type, value);
      String description = description(body, payee.isPresent());
      if (payee.isPresent() && payee.get() == payer) {
        throw ApiError.badRequest("A payment to the same monetary account is not possible.");
      }
      // TODO(#3): enforce daily_limit and take overdraft_limit from the account once accounts can change it.
      if (payer.balance.compareTo(amount) < 0) {
        throw ApiError.badRequest("The balance of the monetary account is insufficient for this payment.");
      }
      Payment outgoing = book(payer, payee, amount, type, value, name, description);
      return Envelopes.response(Envelopes.id(outgoing.id()));
    });
  }

  /** Moves the money, stores both sides and fires the callbacks; returns the payer's Payment. */
  private Payment book(Account payer, Optional<Account> payee, BigDecimal amount, String type, String value,
      String name, String description) {
    Instant now = state.now();
    payer.balance = payer.balance.subtract(amount);
    payer.updated = now;
    JsonObject counterpartyLabel = payee.map(BunqJson::label)
        .orElseGet(() -> BunqJson.externalLabel(type, value, name));
    // TODO(#3): unknown EMAIL/PHONE_NUMBER counterparties should become bunq.to payments (bunqto_* fields).
    String paymentType = payee.isPresent() || !"IBAN".equals(type) ? "BUNQ" : "EBA_SCT";
    long outgoingId = state.nextId();
    Payment outgoing = new Payment(outgoingId, payer.id, BunqJson.payment(outgoingId, now, payer.id, amount.negate(),
        BunqJson.label(payer), counterpartyLabel, description, paymentType, payer.balance));
    state.addPayment(outgoing);
    log.debug("Booked payment {} on account {}", outgoingId, payer.id);
    callbacks.notify(payer.owner, "MUTATION", "MUTATION_CREATED", outgoing);
    callbacks.notify(payer.owner, "PAYMENT", "PAYMENT_CREATED", outgoing);
    payee.ifPresent(target -> {
      target.balance = target.balance.add(amount);
      target.updated = now;
      long incomingId = state.nextId();
      Payment incoming = new Payment(incomingId, target.id, BunqJson.payment(incomingId, now, target.id, amount,
          BunqJson.label(target), BunqJson.label(payer), description, "BUNQ", target.balance));
      state.addPayment(incoming);
      log.debug("Booked mirror payment {} on account {}", incomingId, target.id);
      callbacks.notify(target.owner, "MUTATION", "MUTATION_RECEIVED", incoming);
      callbacks.notify(target.owner, "PAYMENT", "PAYMENT_RECEIVED", incoming);
    });
    return outgoing;
  }

  private Optional<Account> resolve(String type, String value) {
    if ("IBAN".equals(type)) {
      return state.accountByIban(value);
    }
    return state.userByAlias(type, value).flatMap(u -> state.accountsOf(u).stream().findFirst());
  }

  private static BigDecimal amount(JsonObject body) {
    JsonObject amount = Bodies.object(body, "amount");
    Object value = amount.getValue("value");
    if (!(value instanceof String text) || !AMOUNT.matcher(text).matches()) {
      throw ApiError.badRequest(
          "Field \"amount.value\" must be a string holding a positive amount with at most two decimals.");
    }
    BigDecimal parsed = new BigDecimal(text);
    if (parsed.signum() <= 0) {
      throw ApiError.badRequest("Field \"amount.value\" must be greater than zero.");
    }
    if (!BunqJson.CURRENCY.equals(amount.getValue("currency"))) {
      throw ApiError.badRequest("Field \"amount.currency\" must be \"EUR\".");
    }
    return parsed;
  }

  private static String pointerType(JsonObject alias) {
    Object type = alias.getValue("type");
    if (!(type instanceof String text) || !POINTER_TYPES.contains(text)) {
      throw ApiError.badRequest("Field \"counterparty_alias.type\" must be one of IBAN, EMAIL or PHONE_NUMBER.");
    }
    return text;
  }

  private static String description(JsonObject body, boolean internal) {
    Object value = body.getValue("description");
    if (!(value instanceof String text)) {
      throw ApiError.badRequest("Field \"description\" is required and must be a string.");
    }
    int max = internal ? MAX_DESCRIPTION_INTERNAL : MAX_DESCRIPTION_EXTERNAL;
    if (text.length() > max) {
      throw ApiError.badRequest("Field \"description\" must be at most " + max + " characters for this payment.");
    }
    return text;
  }
}
