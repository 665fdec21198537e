package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code mastercard-action} of a monetary account: the card transactions, listed and read. */
final class CardRoutes {

  private final ResourceStore store;
  private final Guard guard;

  CardRoutes(ResourceStore store, Guard guard) {
    this.store = store;
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    String base = "/v1/user/:userID/monetary-account/:accountID/mastercard-action";
    router.get(base).handler(replies.handler(this::list));
    router.get(base + "/:itemID").handler(replies.handler(this::get));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      Paging.Page<CardAction> page = Paging.page(ctx.request().path(), ctx.queryParams(),
          store.cardActionsOf(account.id));
      return Envelopes.listing(page.items().stream()
          .map(a -> Envelopes.wrap("MasterCardAction", a.json().copy()))
          .toList(), page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      String raw = ctx.pathParam("itemID");
      CardAction action = store.cardAction(account.id, Fields.pathId(raw, "MasterCardAction"))
          .orElseThrow(() -> Fields.notFound("MasterCardAction", raw));
      return Envelopes.response(Envelopes.wrap("MasterCardAction", action.json().copy()));
    });
  }
}
