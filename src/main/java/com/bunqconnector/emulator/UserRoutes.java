package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Session-level reads of the user and its monetary accounts, and the user's URL notification
 * filters ({@code notification-filter-url}, whose POST replaces the whole set).
 */
final class UserRoutes {

  /** The callback categories bunq documents, plus those only its schema lists. */
  static final Set<String> CATEGORIES = Set.of("BILLING", "CARD_TRANSACTION_SUCCESSFUL", "CARD_TRANSACTION_FAILED",
      "CHAT", "DRAFT_PAYMENT", "IDEAL", "SOFORT", "MUTATION", "OAUTH", "PAYMENT", "REQUEST", "SCHEDULE_RESULT",
      "SCHEDULE_STATUS", "SHARE", "TAB_RESULT", "BUNQME_TAB", "SUPPORT", "MONETARY_ACCOUNT_PROFILE", "PROMOTION",
      "USER_APPROVAL");
  /** bunq accepts at most this many callback URLs per category. */
  static final int MAX_URLS_PER_CATEGORY = 2;

  private final EmulatorState state;
  private final Guard guard;

  UserRoutes(EmulatorState state, Guard guard) {
    this.state = state;
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    router.get("/v1/user").handler(replies.handler(this::listUsers));
    router.get("/v1/user/:userID").handler(replies.handler(this::getUser));
    router.get("/v1/user/:userID/monetary-account").handler(replies.handler(this::listAccounts));
    router.get("/v1/user/:userID/monetary-account/:accountID").handler(replies.handler(this::getAccount));
    router.get("/v1/user/:userID/monetary-account-bank").handler(replies.handler(this::listAccounts));
    router.get("/v1/user/:userID/monetary-account-bank/:accountID").handler(replies.handler(this::getAccount));
    router.post("/v1/user/:userID/notification-filter-url").handler(replies.handler(this::replaceFilters));
    router.get("/v1/user/:userID/notification-filter-url").handler(replies.handler(this::listFilters));
    // TODO(#3): monetary-account-level notification-filter-url, notification-filter-push and -failure.
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

  /** Serves both {@code monetary-account} and {@code monetary-account-bank}: every account is a bank account. */
  private Future<JsonObject> listAccounts(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, Account> accounts = new TreeMap<>();
      state.accountsOf(guard.user(ctx, session)).forEach(a -> accounts.put(a.id, a));
      return listing(ctx, accounts, a -> Envelopes.wrap("MonetaryAccountBank", BunqJson.monetaryAccountBank(a)));
    });
  }

  private Future<JsonObject> getAccount(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      return Envelopes.response(Envelopes.wrap("MonetaryAccountBank", BunqJson.monetaryAccountBank(account)));
    });
  }

  private Future<JsonObject> listFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, Filter> filters = new TreeMap<>();
      state.filtersOf(guard.user(ctx, session).id()).forEach(f -> filters.put(f.id(), f));
      return listing(ctx, filters, f -> Envelopes.wrap("NotificationFilterUrl", BunqJson.filter(f)));
    });
  }

  private Future<JsonObject> replaceFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      JsonObject body = Bodies.object(ctx, false);
      JsonArray requested = Bodies.optionalArray(body, "notification_filters");
      if (requested == null) {
        throw ApiError.badRequest("Field \"notification_filters\" is required.");
      }
      List<Filter> filters = new ArrayList<>();
      Map<String, Integer> perCategory = new HashMap<>();
      for (int i = 0; i < requested.size(); i++) {
        Filter filter = filter(requested.getValue(i), "notification_filters[" + i + "]");
        if (perCategory.merge(filter.category(), 1, Integer::sum) > MAX_URLS_PER_CATEGORY) {
          throw ApiError.badRequest("A maximum of " + MAX_URLS_PER_CATEGORY
              + " notification URLs is allowed for category " + filter.category() + ".");
        }
        filters.add(filter);
      }
      state.replaceFilters(user.id(), filters);
      return Envelopes.response(filters.stream()
          .map(f -> Envelopes.wrap("NotificationFilterUrl", BunqJson.filter(f)))
          .toList());
    });
  }

  private Filter filter(Object item, String where) {
    if (!(item instanceof JsonObject json)) {
      throw ApiError.badRequest("Field \"" + where + "\" must be an object.");
    }
    Object category = json.getValue("category");
    if (!(category instanceof String name) || !CATEGORIES.contains(name)) {
      throw ApiError.badRequest("Field \"" + where + ".category\" must be a known notification category.");
    }
    Object target = json.getValue("notification_target");
    if (!(target instanceof String url) || !isCallbackUrl(url)) {
      throw ApiError.badRequest("Field \"" + where + ".notification_target\" must be an absolute http(s) URL.");
    }
    // TODO(#3): bunq accepts only https targets; make that an option once the connector runs TLS locally.
    return new Filter(state.nextId(), state.now(), name, url);
  }

  private static boolean isCallbackUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static <T> JsonObject listing(RoutingContext ctx, NavigableMap<Long, T> all, Function<T, JsonObject> wrap) {
    Paging.Page<T> page = Paging.page(ctx.request().path(), ctx.queryParams(), all);
    return Envelopes.listing(page.items().stream().map(wrap).toList(), page.pagination());
  }
}
