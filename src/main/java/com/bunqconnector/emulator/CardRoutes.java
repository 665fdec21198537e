package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeMap;

/**
 * A user's cards and a monetary account's card transactions: {@code card-name} (the names a card
 * may carry), {@code card-debit} (order a card), {@code card} (list, read, update) and
 * {@code mastercard-action} (list, read). A card is wrapped as {@code CardDebit} in every answer, as
 * bunq does (its API objects page; the SDKs read a wrapper starting with {@code Card}); ordering and
 * updating answer the whole card, which bunq's SDKs read back, not the {@code Id} of swagger.
 */
final class CardRoutes {

  private static final String WRAPPER = "CardDebit";

  private final ResourceStore store;
  private final Guard guard;
  private final Cards cards;

  CardRoutes(ResourceStore store, Guard guard, Cards cards) {
    this.store = store;
    this.guard = guard;
    this.cards = cards;
  }

  void mount(Router router, Replies replies) {
    String user = "/v1/user/:userID";
    router.get(user + "/card-name").handler(replies.handler(this::names));
    router.post(user + "/card-debit").handler(replies.handler(this::order));
    router.get(user + "/card").handler(replies.handler(this::listCards));
    router.get(user + "/card/:cardID").handler(replies.handler(this::getCard));
    router.put(user + "/card/:cardID").handler(replies.handler(this::updateCard));
    String base = user + "/monetary-account/:accountID/mastercard-action";
    router.get(base).handler(replies.handler(this::list));
    router.get(base + "/:itemID").handler(replies.handler(this::get));
  }

  private Future<JsonObject> names(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      JsonObject names = new JsonObject().put("possible_card_name_array", new JsonArray(Cards.possibleNames(user)));
      TreeMap<Long, JsonObject> one = new TreeMap<>();
      one.put(user.id(), names);
      Paging.Page<JsonObject> page = Paging.page(ctx.request().path(), ctx.queryParams(), one);
      return Envelopes.listing(page.items().stream().map(n -> Envelopes.wrap("CardUserNameArray", n)).toList(),
          page.pagination());
    });
  }

  private Future<JsonObject> order(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      Card card = cards.order(user, Bodies.object(ctx, false));
      return Envelopes.response(Envelopes.wrap(WRAPPER, cards.json(card)));
    });
  }

  private Future<JsonObject> listCards(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      Paging.Page<Card> page = Paging.page(ctx.request().path(), ctx.queryParams(), store.cardsOf(user.id()));
      List<JsonObject> items = page.items().stream().map(c -> Envelopes.wrap(WRAPPER, cards.json(c))).toList();
      return Envelopes.listing(items, page.pagination());
    });
  }

  private Future<JsonObject> getCard(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session ->
        Envelopes.response(Envelopes.wrap(WRAPPER, cards.json(card(ctx, session)))));
  }

  private Future<JsonObject> updateCard(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Card card = card(ctx, session);
      cards.update(card, Bodies.object(ctx, false));
      return Envelopes.response(Envelopes.wrap(WRAPPER, cards.json(card)));
    });
  }

  /** The session user's card named by the path; 404 for an unknown one or another user's. */
  private Card card(RoutingContext ctx, Session session) {
    User user = guard.user(ctx, session);
    String raw = ctx.pathParam("cardID");
    return store.card(user.id(), Fields.pathId(raw, "Card"))
        .orElseThrow(() -> Fields.notFound("Card", raw));
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
