package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.Event;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The user's event feed ({@code /user/{id}/event}): one event per payment, request inquiry,
 * request response, draft payment and card transaction, newest first, with bunq's filters
 * {@code monetary_account_id} (comma-separated ids), {@code status} (AWAITING_REPLY or FINALIZED)
 * and {@code display_user_event} (every emulated event belongs to an account, so {@code false}
 * removes nothing). Following the Pagination URLs keeps the filters.
 */
final class EventRoutes {

  private static final String ACCOUNTS = "monetary_account_id";
  private static final String STATUS = "status";
  private static final String USER_EVENTS = "display_user_event";
  private static final Set<String> STATUSES = Set.of("AWAITING_REPLY", "FINALIZED");

  private final ResourceStore store;
  private final Guard guard;

  EventRoutes(ResourceStore store, Guard guard) {
    this.store = store;
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    router.get("/v1/user/:userID/event").handler(replies.handler(this::list));
    router.get("/v1/user/:userID/event/:itemID").handler(replies.handler(this::get));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      MultiMap query = ctx.queryParams();
      Set<Long> accounts = accountFilter(query);
      String status = query.get(STATUS);
      if (status != null && !STATUSES.contains(status)) {
        throw ApiError.badRequest("Query parameter \"status\" must be AWAITING_REPLY or FINALIZED.");
      }
      String userEvents = query.get(USER_EVENTS);
      if (userEvents != null && !"true".equals(userEvents) && !"false".equals(userEvents)) {
        throw ApiError.badRequest("Query parameter \"display_user_event\" must be true or false.");
      }
      NavigableMap<Long, Event> matching = new TreeMap<>();
      for (Map.Entry<Long, Event> entry : store.eventsOf(user.id()).entrySet()) {
        Event event = entry.getValue();
        boolean awaiting = event.awaitingReply().getAsBoolean();
        if ((accounts == null || accounts.contains(event.accountId()))
            && (status == null || status.equals(awaiting ? "AWAITING_REPLY" : "FINALIZED"))) {
          matching.put(entry.getKey(), event);
        }
      }
      Paging.Page<Event> page = Paging.page(ctx.request().path(), query, matching,
          List.of(ACCOUNTS, STATUS, USER_EVENTS));
      return Envelopes.listing(page.items().stream()
          .map(e -> Envelopes.wrap("Event", ResourceJson.event(e)))
          .toList(), page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      String raw = ctx.pathParam("itemID");
      Event event = store.event(user.id(), Fields.pathId(raw, "Event"))
          .orElseThrow(() -> Fields.notFound("Event", raw));
      return Envelopes.response(Envelopes.wrap("Event", ResourceJson.event(event)));
    });
  }

  /** The account ids to keep; {@code null} for no filter. */
  private static Set<Long> accountFilter(MultiMap query) {
    if (!query.contains(ACCOUNTS)) {
      return null;
    }
    Set<Long> ids = new HashSet<>();
    for (String value : query.getAll(ACCOUNTS)) {
      for (String part : value.split(",", -1)) {
        try {
          ids.add(Long.parseLong(part.trim()));
        } catch (NumberFormatException e) {
          throw ApiError.badRequest("Query parameter \"" + ACCOUNTS + "\" must be a comma-separated list of ids.");
        }
      }
    }
    return ids;
  }
}
