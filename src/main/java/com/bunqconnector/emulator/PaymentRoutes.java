package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Payments of a monetary account: create (signature required), list with bunq pagination, and
 * read one. A payment to an emulated account moves the money and books the mirror Payment there;
 * any other counterparty means the money leaves the emulated bank, through bunq.to for an e-mail
 * address or phone number that no emulated user has.
 */
final class PaymentRoutes {

  /** bunq's description limit for payments leaving bunq. */
  static final int MAX_DESCRIPTION_EXTERNAL = 140;
  /** bunq's description limit for payments between bunq accounts. */
  static final int MAX_DESCRIPTION_INTERNAL = 9000;

  private final EmulatorState state;
  private final Guard guard;
  private final Ledger ledger;

  PaymentRoutes(EmulatorState state, Guard guard, Ledger ledger) {
    this.state = state;
    this.guard = guard;
    this.ledger = ledger;
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
          .orElseThrow(() -> Fields.notFound("Payment", raw));
      return Envelopes.response(Envelopes.wrap("Payment", payment.json()));
    });
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    return guard.authorise(ctx, true).map(session -> {
      Account payer = guard.account(ctx, guard.user(ctx, session));
      JsonObject body = Bodies.object(ctx, false);
      BigDecimal amount = Fields.positiveAmount(body, "amount");
      Pointer pointer = Fields.pointer(body, "counterparty_alias");
      Optional<Account> payee = ledger.resolve(pointer);
      if (payee.filter(account -> account.owner.id() == session.user().id()).isEmpty()) {
        Guard.refuseForOauth(session, "pay anyone but the granting user's own monetary accounts");
      }
      checkBunqTo(body, "allow_bunqto", pointer, payee);
      String description = description(body, "description", payee.isPresent());
      Payment outgoing = ledger.transfer(payer, payee, ledger.label(pointer, payee), amount, description,
          ledger.booking(pointer, payee));
      return Envelopes.response(Envelopes.id(outgoing.id()));
    });
  }

  /**
   * Refuses a bunq.to payment (see {@link Ledger#booking}) whose body sets {@code allow_bunqto}
   * ({@code field}) to false. bunq does not document what a missing {@code allow_bunqto} means; the
   * emulator allows bunq.to then.
   */
  static void checkBunqTo(JsonObject json, String field, Pointer pointer, Optional<Account> payee) {
    Object allowed = json.getValue("allow_bunqto");
    if (allowed != null && !(allowed instanceof Boolean)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be a boolean.");
    }
    if (Boolean.FALSE.equals(allowed) && Ledger.isBunqTo(pointer, payee)) {
      throw ApiError.badRequest("The counterparty is not a bunq user: set \"" + field + "\" to true to pay through"
          + " bunq.to.");
    }
  }

  /**
   * The payer's Payment type: BUNQ inside the emulated bank and for e-mail or phone counterparties
   * (bunq.to payments when no emulated user has them), EBA_SCT (a SEPA transfer) for other IBANs.
   */
  static String type(Pointer pointer, Optional<Account> payee) {
    return payee.isPresent() || !"IBAN".equals(pointer.type()) ? "BUNQ" : "EBA_SCT";
  }

  /** The description, limited as bunq limits it for the kind of counterparty. */
  static String description(JsonObject json, String name, boolean internal) {
    return Fields.description(json, name, internal ? MAX_DESCRIPTION_INTERNAL : MAX_DESCRIPTION_EXTERNAL);
  }
}
