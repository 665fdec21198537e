package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * URL notification filters, on the user and on one monetary account ({@code notification-filter-url};
 * a POST replaces the whole set of that level, at most {@value #MAX_URLS_PER_CATEGORY} URLs per
 * category per set), and the callbacks that failed for good ({@code notification-filter-failure}:
 * GET lists them, POST retries the ones named).
 *
 * <p>Push and e-mail filters of the user ({@code notification-filter-push}, {@code -email}; bunq
 * documents them on the user only): a POST replaces the set of categories, a GET lists it, each
 * item {@code {"category": ...}} wrapped as bunq's SDKs read it; through an OAuth connection, the
 * app's own set (bunq lets those of push filters expire after 90 days; the emulator keeps them). They
 * are kept (and saved by a durable emulator), but nothing is ever pushed to an app or e-mailed: the
 * emulator has neither.
 *
 * <p>A target must be an absolute http or https URL; with {@link EmulatorOptions#isHttpsCallbacksOnly()}
 * on, https only, as bunq demands. bunq's text for an http target is not documented; the emulator names
 * the field and says that https is required.
 */
final class FilterRoutes {

  /** The callback categories bunq documents, plus those only its schema lists. */
  static final Set<String> CATEGORIES = Set.of("BILLING", "CARD_TRANSACTION_SUCCESSFUL", "CARD_TRANSACTION_FAILED",
      "CHAT", "DRAFT_PAYMENT", "IDEAL", "SOFORT", "MUTATION", "OAUTH", "PAYMENT", "REQUEST", "SCHEDULE_RESULT",
      "SCHEDULE_STATUS", "SHARE", "TAB_RESULT", "BUNQME_TAB", "SUPPORT", "MONETARY_ACCOUNT_PROFILE", "PROMOTION",
      "USER_APPROVAL");
  /** bunq accepts at most this many callback URLs per category. */
  static final int MAX_URLS_PER_CATEGORY = 2;
  private static final String FAILED_IDS = "notification_filter_failed_ids";
  private static final String PUSH = "push";
  private static final String EMAIL = "email";

  private final EmulatorState state;
  private final ResourceStore store;
  private final Guard guard;
  private final CallbackSender callbacks;
  private final boolean httpsOnly;

  FilterRoutes(EmulatorState state, ResourceStore store, Guard guard, CallbackSender callbacks, boolean httpsOnly) {
    this.state = state;
    this.store = store;
    this.guard = guard;
    this.callbacks = callbacks;
    this.httpsOnly = httpsOnly;
  }

  void mount(Router router, Replies replies) {
    String user = "/v1/user/:userID/notification-filter-url";
    router.post(user).handler(replies.handler(this::replaceUserFilters));
    router.get(user).handler(replies.handler(this::listUserFilters));
    String account = "/v1/user/:userID/monetary-account/:accountID/notification-filter-url";
    router.post(account).handler(replies.handler(this::replaceAccountFilters));
    router.get(account).handler(replies.handler(this::listAccountFilters));
    String failure = "/v1/user/:userID/notification-filter-failure";
    router.get(failure).handler(replies.handler(this::listFailures));
    router.post(failure).handler(replies.handler(this::retryFailures));
    for (String kind : List.of(PUSH, EMAIL)) {
      String path = "/v1/user/:userID/notification-filter-" + kind;
      router.post(path).handler(replies.handler(ctx -> replaceCategoryFilters(ctx, kind)));
      router.get(path).handler(replies.handler(ctx -> listCategoryFilters(ctx, kind)));
    }
  }

  /**
   * Replaces the user's push or e-mail filters with the categories of the body's
   * {@code notification_filters} ({@code [{"category": "MUTATION"}, ...]}) and answers the new set.
   */
  private Future<JsonObject> replaceCategoryFilters(RoutingContext ctx, String kind) {
    return guard.authorise(ctx, false).map(session -> {
      guard.user(ctx, session);
      JsonArray requested = Bodies.optionalArray(Bodies.object(ctx, false), "notification_filters");
      if (requested == null) {
        throw ApiError.badRequest("Field \"notification_filters\" is required.");
      }
      List<String> categories = new ArrayList<>();
      for (int i = 0; i < requested.size(); i++) {
        String where = "notification_filters[" + i + "]";
        String category = category(requested.getValue(i), where);
        if (categories.contains(category)) {
          throw ApiError.badRequest("Field \"" + where + ".category\" repeats category " + category + ".");
        }
        categories.add(category);
      }
      state.replaceCategoryFilters(kind, session.userId(), categories);
      return categoryFilters(kind, categories);
    });
  }

  /** Lists the whole set on one page: a set holds each category at most once, so it is never long. */
  private Future<JsonObject> listCategoryFilters(RoutingContext ctx, String kind) {
    return guard.authorise(ctx, false).map(session -> {
      guard.user(ctx, session);
      return Envelopes.listing(categoryItems(kind, state.categoryFiltersOf(kind, session.userId())),
          new JsonObject().put("future_url", null).put("newer_url", null).put("older_url", null));
    });
  }

  private static JsonObject categoryFilters(String kind, List<String> categories) {
    return Envelopes.response(categoryItems(kind, categories));
  }

  /** The filters as bunq's SDKs read them: {@code {"NotificationFilterPush": {"category": ...}}} each. */
  private static List<JsonObject> categoryItems(String kind, List<String> categories) {
    String type = PUSH.equals(kind) ? "NotificationFilterPush" : "NotificationFilterEmail";
    return categories.stream().map(c -> Envelopes.wrap(type, new JsonObject().put("category", c))).toList();
  }

  /** The user's own filters, or for an OAuth session the ones its app set (see {@link #replaceUserFilters}). */
  private Future<JsonObject> listUserFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      return listing(ctx, session.grant() == null ? state.filtersOf(user.id())
          : state.grantFiltersOf(session.grant().id()));
    });
  }

  private Future<JsonObject> listAccountFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false)
        .map(session -> listing(ctx, state.accountFiltersOf(guard.account(ctx, guard.user(ctx, session)).id)));
  }

  /**
   * Replaces the user's own filters; through an OAuth connection, only the set that connection's app
   * keeps for the granting user, so an app's POST wipes neither the user's own callbacks nor another
   * app's. Callbacks for the user's events go to all of them.
   */
  private Future<JsonObject> replaceUserFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      List<Filter> filters = filters(Bodies.object(ctx, false));
      if (session.grant() == null) {
        state.replaceFilters(user.id(), filters);
      } else {
        state.replaceGrantFilters(session.grant(), filters);
      }
      return created(filters);
    });
  }

  private Future<JsonObject> replaceAccountFilters(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      List<Filter> filters = filters(Bodies.object(ctx, false));
      state.replaceAccountFilters(account.id, filters);
      return created(filters);
    });
  }

  private Future<JsonObject> listFailures(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, FailedCallback> failures = store.failuresOf(guard.user(ctx, session).id());
      Paging.Page<FailedCallback> page = Paging.page(ctx.request().path(), ctx.queryParams(), failures);
      return Envelopes.listing(page.items().stream()
          .map(f -> Envelopes.wrap("NotificationFilterFailure", ResourceJson.failure(f)))
          .toList(), page.pagination());
    });
  }

  /**
   * Retries the named failures, each once, and answers with the first one's id (bunq's schema
   * promises an {@code Id} but not which). All ids are checked before anything is retried.
   */
  private Future<JsonObject> retryFailures(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      String raw = Fields.requiredText(Bodies.object(ctx, false), FAILED_IDS);
      List<Long> ids = new ArrayList<>();
      for (String part : raw.split(",", -1)) {
        try {
          ids.add(Long.parseLong(part.trim()));
        } catch (NumberFormatException e) {
          throw ApiError.badRequest("Field \"" + FAILED_IDS + "\" must be a comma-separated list of ids.");
        }
      }
      Map<Long, FailedCallback> chosen = new LinkedHashMap<>();
      for (long id : ids) {
        chosen.put(id, store.failure(user.id(), id)
            .orElseThrow(() -> Fields.notFound("NotificationFilterFailure", id)));
      }
      chosen.values().forEach(callbacks::retry);
      return Envelopes.response(Envelopes.id(chosen.keySet().iterator().next()));
    });
  }

  private List<Filter> filters(JsonObject body) {
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
    return filters;
  }

  /** The known category of a filter item; 400 naming {@code where} otherwise. */
  private static String category(Object item, String where) {
    if (!(item instanceof JsonObject json)) {
      throw ApiError.badRequest("Field \"" + where + "\" must be an object.");
    }
    Object category = json.getValue("category");
    if (!(category instanceof String name) || !CATEGORIES.contains(name)) {
      throw ApiError.badRequest("Field \"" + where + ".category\" must be a known notification category.");
    }
    return name;
  }

  private Filter filter(Object item, String where) {
    String name = category(item, where);
    JsonObject json = (JsonObject) item;
    Object target = json.getValue("notification_target");
    if (!(target instanceof String url) || !isCallbackUrl(url)) {
      throw ApiError.badRequest("Field \"" + where + ".notification_target\" must be an absolute http(s) URL.");
    }
    if (httpsOnly && !url.regionMatches(true, 0, "https:", 0, "https:".length())) {
      throw ApiError.badRequest("Field \"" + where + ".notification_target\" must be an https URL: bunq delivers"
          + " callbacks over https only.");
    }
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

  private static JsonObject created(List<Filter> filters) {
    return Envelopes.response(filters.stream()
        .map(f -> Envelopes.wrap("NotificationFilterUrl", BunqJson.filter(f)))
        .toList());
  }

  private static JsonObject listing(RoutingContext ctx, List<Filter> filters) {
    NavigableMap<Long, Filter> byId = new TreeMap<>();
    filters.forEach(f -> byId.put(f.id(), f));
    Paging.Page<Filter> page = Paging.page(ctx.request().path(), ctx.queryParams(), byId);
    return Envelopes.listing(page.items().stream()
        .map(f -> Envelopes.wrap("NotificationFilterUrl", BunqJson.filter(f)))
        .toList(), page.pagination());
  }
}
