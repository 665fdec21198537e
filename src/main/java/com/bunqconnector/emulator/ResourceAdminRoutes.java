package com.bunqconnector.emulator;

import com.bunqconnector.emulator.CardPayments.CardPayment;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * Emulator-only HTTP controls for what happens outside the API in real life, for clients that
 * cannot call {@link BunqEmulator} from Java. No bunq authentication; answers use bunq's envelopes.
 * <ul>
 *   <li>{@code POST /emulator/admin/card-payment} with {@code {"monetary_account_id": N,
 *       "amount": "12.50", "merchant_name": "...", "country": "NL", "declined": false, "card_id": N}}
 *       ({@code country} defaults to NL, {@code declined} to false, {@code card_id} to the card that
 *       pays from the account): answers the MasterCardAction.</li>
 *   <li>{@code POST /emulator/admin/draft-payment/{id}/accept} and {@code .../reject}: the owner's
 *       answer to a draft payment, as in the app; answers the DraftPayment.</li>
 * </ul>
 */
final class ResourceAdminRoutes {

  private final ResourceStore store;
  private final DraftPayments drafts;
  private final CardPayments cards;

  ResourceAdminRoutes(ResourceStore store, DraftPayments drafts, CardPayments cards) {
    this.store = store;
    this.drafts = drafts;
    this.cards = cards;
  }

  void mount(Router router, Replies replies) {
    router.post("/emulator/admin/card-payment").handler(replies.handler(this::cardPayment));
    router.post("/emulator/admin/draft-payment/:draftID/accept")
        .handler(replies.handler(ctx -> answerDraft(ctx, drafts::accept)));
    router.post("/emulator/admin/draft-payment/:draftID/reject")
        .handler(replies.handler(ctx -> answerDraft(ctx, drafts::reject)));
  }

  private Future<JsonObject> cardPayment(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Object account = body.getValue("monetary_account_id");
    if (!(account instanceof Integer || account instanceof Long)) {
      throw ApiError.badRequest("Field \"monetary_account_id\" is required and must be an id.");
    }
    Object declined = body.getValue("declined", false);
    if (!(declined instanceof Boolean flag)) {
      throw ApiError.badRequest("Field \"declined\" must be true or false.");
    }
    Object card = body.getValue("card_id");
    if (card != null && !(card instanceof Integer || card instanceof Long)) {
      throw ApiError.badRequest("Field \"card_id\" must be the id of a card.");
    }
    String country = Fields.optionalString(body, "country");
    CardPayment payment = CardPayment.of(((Number) account).longValue(), card == null ? null
        : ((Number) card).longValue(), Fields.optionalString(body, "amount"),
        Fields.optionalString(body, "merchant_name"), country == null ? BunqJson.COUNTRY : country, flag);
    return Future.succeededFuture(Envelopes.response(Envelopes.wrap("MasterCardAction", cards.simulate(payment))));
  }

  private Future<JsonObject> answerDraft(RoutingContext ctx, Function<DraftPayment, JsonObject> answer) {
    String raw = ctx.pathParam("draftID");
    DraftPayment draft = store.draft(Fields.pathId(raw, "DraftPayment"))
        .orElseThrow(() -> Fields.notFound("DraftPayment", raw));
    return Future.succeededFuture(Envelopes.response(Envelopes.wrap("DraftPayment", answer.apply(draft))));
  }
}
