package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code draft-payment} of a monetary account: create (exactly one required accept), list, read,
 * and update by PUT: new entries while PENDING, or the owner's answer (ACCEPTED, which executes
 * the payments and so must be signed, or REJECTED). A PUT may carry
 * {@code previous_updated_timestamp}; if the draft changed since, the PUT is refused.
 */
final class DraftPaymentRoutes {

  private final ResourceStore store;
  private final Guard guard;
  private final DraftPayments drafts;

  DraftPaymentRoutes(ResourceStore store, Guard guard, DraftPayments drafts) {
    this.store = store;
    this.guard = guard;
    this.drafts = drafts;
  }

  void mount(Router router, Replies replies) {
    String base = "/v1/user/:userID/monetary-account/:accountID/draft-payment";
    router.post(base).handler(replies.handler(this::create));
    router.get(base).handler(replies.handler(this::list));
    router.get(base + "/:itemID").handler(replies.handler(this::get));
    router.put(base + "/:itemID").handler(replies.handler(this::update));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      JsonObject body = Bodies.object(ctx, false);
      Object accepts = body.getValue("number_of_required_accepts");
      if (!(accepts instanceof Number number) || number.doubleValue() != 1) {
        throw ApiError.badRequest("Field \"number_of_required_accepts\" is required and must be 1.");
      }
      rejectSchedule(body);
      DraftPayment draft = drafts.create(account, drafts.entries(account, body));
      return Envelopes.response(Envelopes.id(draft.id));
    });
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      Paging.Page<DraftPayment> page = Paging.page(ctx.request().path(), ctx.queryParams(),
          store.draftsOf(account.id));
      return Envelopes.listing(page.items().stream()
          .map(d -> Envelopes.wrap("DraftPayment", ResourceJson.draftPayment(d)))
          .toList(), page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> Envelopes.response(
        Envelopes.wrap("DraftPayment", ResourceJson.draftPayment(draft(ctx, session)))));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    return guard.authorise(ctx, "ACCEPTED".equals(RequestRoutes.peekStatus(ctx))).map(session -> {
      Guard.refuseForOauth(session, "change a draft payment");
      DraftPayment draft = draft(ctx, session);
      JsonObject body = Bodies.object(ctx, false);
      String previous = Fields.optionalString(body, "previous_updated_timestamp");
      if (previous != null && !previous.equals(Timestamps.format(draft.updated))) {
        throw ApiError.badRequest("DraftPayment " + draft.id + " was updated since "
            + "\"previous_updated_timestamp\"; read it again.");
      }
      Object accepts = body.getValue("number_of_required_accepts");
      if (accepts != null && !(accepts instanceof Number number && number.doubleValue() == 1)) {
        throw ApiError.badRequest("Field \"number_of_required_accepts\" must be 1.");
      }
      rejectSchedule(body);
      String status = Fields.optionalChoice(body, "status", Set.of("PENDING", "ACCEPTED", "REJECTED"));
      if (body.getValue("entries") != null) {
        drafts.replaceEntries(draft, drafts.entries(draft.account, body));
      }
      if ("ACCEPTED".equals(status)) {
        drafts.accept(draft);
      } else if ("REJECTED".equals(status)) {
        drafts.reject(draft);
      }
      return Envelopes.response(Envelopes.id(draft.id));
    });
  }

  private DraftPayment draft(RoutingContext ctx, Session session) {
    Account account = guard.account(ctx, guard.user(ctx, session));
    String raw = ctx.pathParam("itemID");
    return store.draft(Fields.pathId(raw, "DraftPayment"))
        .filter(d -> d.account == account)
        .orElseThrow(() -> Fields.notFound("DraftPayment", raw));
  }

  private static void rejectSchedule(JsonObject body) {
    if (body.getValue("schedule") != null) {
      // TODO(#3): scheduled draft payments (schedule.time_start, recurrence_unit, ...) are not emulated.
      throw ApiError.badRequest("Field \"schedule\" is not supported by the emulator: scheduled draft payments"
          + " are not emulated.");
    }
  }
}
