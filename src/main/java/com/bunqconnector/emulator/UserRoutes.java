package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Session-level reads of the user. Monetary accounts are served by {@link AccountRoutes}, the
 * notification filters by {@link FilterRoutes}.
 */
final class UserRoutes {

  private final Guard guard;

  UserRoutes(Guard guard) {
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    router.get("/v1/user").handler(replies.handler(this::listUsers));
    router.get("/v1/user/:userID").handler(replies.handler(this::getUser));
  }

  /** The session's own user wrapper (for OAuth: its UserApiKey), as a one-item listing. */
  private Future<JsonObject> listUsers(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, JsonObject> users = new TreeMap<>(Map.of(session.userId(), UserJson.sessionUser(session)));
      return listing(ctx, users, Function.identity());
    });
  }

  private Future<JsonObject> getUser(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      guard.user(ctx, session);
      return Envelopes.response(UserJson.sessionUser(session));
    });
  }

  private static <T> JsonObject listing(RoutingContext ctx, NavigableMap<Long, T> all, Function<T, JsonObject> wrap) {
    Paging.Page<T> page = Paging.page(ctx.request().path(), ctx.queryParams(), all);
    return Envelopes.listing(page.items().stream().map(wrap).toList(), page.pagination());
  }
}
