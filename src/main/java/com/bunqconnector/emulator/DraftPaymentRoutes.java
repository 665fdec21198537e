package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.Schedule;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code draft-payment} of a monetary account: create (exactly one required accept), list, read,
 * and update by PUT: new entries while PENDING, or the owner's answer (ACCEPTED, which executes
 * the payments and so must be signed, or REJECTED). A PUT may carry
 * {@code previous_updated_timestamp}; if the draft changed since, the PUT is refused.
 *
 * <p>A draft may carry a {@code schedule} (a scheduled draft payment): it is checked, kept and shown
 * as bunq's Schedule. Execution is simplified to none: accepting a scheduled draft moves no money
 * and books no payment (its {@code object} stays null); the schedule then shows status ACTIVE and
 * keeps it, as the emulator runs no timer to pay its instances or finish it.
 */
final class DraftPaymentRoutes {

  private static final Set<String> SCHEDULE_FIELDS = Set.of("time_start", "time_end", "recurrence_unit",
      "recurrence_size");
  private static final Set<String> RECURRENCE_UNITS = new TreeSet<>(Set.of("ONCE", "HOURLY", "DAILY", "WEEKLY",
      "MONTHLY", "YEARLY"));

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
      Schedule schedule = schedule(body);
      DraftPayment draft = drafts.create(account, drafts.entries(account, body), schedule);
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
      Schedule schedule = schedule(body);
      String status = Fields.optionalChoice(body, "status", Set.of("PENDING", "ACCEPTED", "REJECTED"));
      if (body.getValue("entries") != null || schedule != null) {
        drafts.replace(draft, body.getValue("entries") == null ? draft.entries : drafts.entries(draft.account, body),
            schedule == null ? draft.schedule : schedule);
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

  /**
   * The body's {@code schedule}, or {@code null} without one: {@code time_start} and
   * {@code recurrence_unit} are required, {@code recurrence_size} (a whole number from 1) is required
   * unless the unit is ONCE, and {@code time_end}, if given, must come after {@code time_start}.
   */
  static Schedule schedule(JsonObject body) {
    Object value = body.getValue("schedule");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject json)) {
      throw ApiError.badRequest("Field \"schedule\" must be an object.");
    }
    for (String field : json.fieldNames()) {
      if (!SCHEDULE_FIELDS.contains(field)) {
        throw ApiError.badRequest("Field \"schedule." + field + "\" is not a field of a schedule.");
      }
    }
    Instant start = time(json, "time_start");
    if (start == null) {
      throw ApiError.badRequest("Field \"schedule.time_start\" is required.");
    }
    Instant end = time(json, "time_end");
    if (end != null && !end.isAfter(start)) {
      throw ApiError.badRequest("Field \"schedule.time_end\" must come after \"schedule.time_start\".");
    }
    String unit = Fields.optionalChoice(json, "schedule.recurrence_unit", RECURRENCE_UNITS);
    if (unit == null) {
      throw ApiError.badRequest("Field \"schedule.recurrence_unit\" is required: one of " + RECURRENCE_UNITS + ".");
    }
    Integer size = Fields.optionalInt(json, "schedule.recurrence_size", 1, Integer.MAX_VALUE);
    if (size == null && !"ONCE".equals(unit)) {
      throw ApiError.badRequest("Field \"schedule.recurrence_size\" is required for a recurring schedule.");
    }
    return new Schedule(start, end, unit, size == null ? 1 : size);
  }

  private static Instant time(JsonObject json, String field) {
    String text = Fields.optionalString(json, "schedule." + field);
    if (text == null) {
      return null;
    }
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("Field \"schedule." + field + "\" must be a time as bunq writes it, UTC"
          + " \"yyyy-MM-dd HH:mm:ss\" with up to six fraction digits.");
    }
  }
}
