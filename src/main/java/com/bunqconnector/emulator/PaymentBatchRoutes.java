package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code payment-batch} of a monetary account: create (signature required, as for a payment), list
 * and read one. The body is {@code {"payments": [...]}}, each item a payment body as for
 * {@code payment}, which is what bunq's SDKs send; the {@code {"payments": {"Payment": [...]}}}
 * shape of bunq's schema is read too. Either every payment is booked or none; each payer's Payment
 * carries the batch's {@code batch_id}. Revoking a bunq.to batch (PUT) is not served.
 */
final class PaymentBatchRoutes {

  private final EmulatorState state;
  private final ResourceStore store;
  private final Guard guard;
  private final Ledger ledger;
  private final DraftPayments drafts;

  PaymentBatchRoutes(EmulatorState state, ResourceStore store, Guard guard, Ledger ledger, DraftPayments drafts) {
    this.state = state;
    this.store = store;
    this.guard = guard;
    this.ledger = ledger;
    this.drafts = drafts;
  }

  void mount(Router router, Replies replies) {
    String base = "/v1/user/:userID/monetary-account/:accountID/payment-batch";
    router.post(base).handler(replies.handler(this::create));
    router.get(base).handler(replies.handler(this::list));
    router.get(base + "/:itemID").handler(replies.handler(this::get));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    return guard.authorise(ctx, true).map(session -> {
      Account payer = guard.account(ctx, guard.user(ctx, session));
      List<DraftEntry> entries = drafts.entries(payer, payments(Bodies.object(ctx, false)), "payments");
      if (entries.stream().anyMatch(e -> e.payee() == null || e.payee().owner.id() != session.user().id())) {
        Guard.refuseForOauth(session, "pay anyone but the granting user's own monetary accounts");
      }
      PaymentBatch batch = ledger.transferBatch(payer, entries);
      return Envelopes.response(Envelopes.id(batch.id()));
    });
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      Paging.Page<PaymentBatch> page = Paging.page(ctx.request().path(), ctx.queryParams(),
          store.batchesOf(account.id));
      return Envelopes.listing(page.items().stream().map(b -> json(account, b)).toList(), page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      String raw = ctx.pathParam("itemID");
      PaymentBatch batch = store.batch(account.id, Fields.pathId(raw, "PaymentBatch"))
          .orElseThrow(() -> Fields.notFound("PaymentBatch", raw));
      return Envelopes.response(json(account, batch));
    });
  }

  private JsonObject json(Account account, PaymentBatch batch) {
    return Envelopes.wrap("PaymentBatch", ResourceJson.paymentBatch(batch, state.paymentsOf(account.id)));
  }

  /** The body's payments: a list, or the list under {@code Payment} as bunq's schema nests it. */
  private static JsonArray payments(JsonObject body) {
    Object payments = body.getValue("payments");
    if (payments instanceof JsonObject nested) {
      if (!(nested.getValue("Payment") instanceof JsonArray list)) {
        throw ApiError.badRequest("Field \"payments.Payment\" must be an array.");
      }
      return list;
    }
    return Bodies.optionalArray(body, "payments");
  }
}
