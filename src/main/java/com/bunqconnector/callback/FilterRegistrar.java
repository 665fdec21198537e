package com.bunqconnector.callback;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqApiException;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqResponse;
import com.bunqconnector.api.ErrorCode;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.session.InvalidUserException;
import com.bunqconnector.session.UnknownUserException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Registers a user's callback URL with bunq ({@code notification-filter-url} at user level) for
 * every category the tenant consumes. bunq replaces the whole set on each POST, so filters that
 * point elsewhere (another application of the same user) are kept, and bunq's limit of two URLs
 * per category is checked before anything is sent. The URL carries the tenant's current token from
 * {@link CallbackMaps#TOKENS}, so registering again after a rotation moves bunq to the new token.
 * Every node registers all configured users at start ({@code ConnectorNode}), and again the users
 * whose filters a changed tenant file or an added user changes; a user that is removed has this
 * connector's filters taken out of its set ({@link #remove}).
 */
public final class FilterRegistrar {

  /** Most monetary accounts of one user whose filters are registered. */
  private static final int MAX_ACCOUNTS = 10_000;

  /** bunq's limit of callback URLs per category. */
  static final int MAX_URLS_PER_CATEGORY = 2;

  private static final String FILTERS_PATH = "/user/" + ApiCall.USER_ID + "/notification-filter-url";
  private static final String ACCOUNTS_PATH = "/user/" + ApiCall.USER_ID + "/monetary-account";

  /** Attempts per user in {@link #registerAll} before the user is reported as failed. */
  static final int ATTEMPTS = 3;

  private final Vertx vertx;
  private final BunqClient client;
  private final String publicBaseUrl;
  private final CallbackTokens tokens;
  /** Each user's latest change of filters, by {@code tenant/user}, while it runs. */
  private final Map<String, Future<?>> changes = new ConcurrentHashMap<>();

  /**
   * A registrar whose tenant-file token changes keep the old token valid for the default grace period.
   *
   * @param publicBaseUrl the base URL at which bunq reaches this connector's callback endpoint
   */
  public FilterRegistrar(Vertx vertx, BunqClient client, String publicBaseUrl) {
    this(vertx, client, publicBaseUrl, CallbackConfig.defaults().tokenGraceMs());
  }

  /**
   * @param publicBaseUrl the base URL at which bunq reaches this connector's callback endpoint
   * @param tokenGraceMs  how long a tenant's previous token stays valid once {@link #takeToken} changed it
   */
  public FilterRegistrar(Vertx vertx, BunqClient client, String publicBaseUrl, long tokenGraceMs) {
    this.vertx = vertx;
    this.client = client;
    this.publicBaseUrl = publicBaseUrl;
    this.tokens = new CallbackTokens(vertx, tokenGraceMs);
  }

  /**
   * Runs {@code change} of the user's filters once the user's previous change ended (whatever its
   * outcome): each reads the token and the filters when its turn comes, so a registration that began
   * before a token change cannot write the old token over the new one.
   */
  private <T> Future<T> inTurn(TenantConfig tenant, String user, Supplier<Future<T>> change) {
    String key = tenant.id() + "/" + user;
    Promise<T> result = Promise.promise();
    List<Future<T>> mine = new ArrayList<>(1);
    changes.compute(key, (k, previous) -> {
      Future<?> before = previous == null ? Future.succeededFuture() : previous;
      Future<T> turn = before.transform(ignored -> change.get());
      mine.add(turn);
      return turn;
    });
    mine.get(0).onComplete(result);
    return result.future().onComplete(done -> changes.remove(key, mine.get(0)));
  }

  /** The URL bunq should post the user's callbacks to. It holds the tenant's secret token: never log it. */
  public Future<String> callbackUrl(TenantConfig tenant, String user) {
    return tokens.current(tenant).map(token -> publicBaseUrl + CallbackVerticle.PATH_PREFIX + tenant.id() + "/"
        + token + "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
  }

  /**
   * Registers every user of the tenant, retrying a user that fails up to {@link #ATTEMPTS} times a
   * second apart (but not one that bunq refused outright, or that is not served). Completes with
   * {@code {"registered":[users],"failed":{user: reason}}}; never fails.
   */
  public Future<JsonObject> registerAll(TenantConfig tenant) {
    return registerUsers(tenant, tenant.users().keySet());
  }

  /** Registers the given users of the tenant as {@link #registerAll} does. */
  public Future<JsonObject> registerUsers(TenantConfig tenant, Collection<String> userIds) {
    JsonArray registered = new JsonArray();
    JsonObject failed = new JsonObject();
    List<Future<?>> users = new ArrayList<>();
    for (String user : userIds) {
      users.add(registerWithRetries(tenant, user, 1)
          .onSuccess(count -> registered.add(user))
          .onFailure(e -> failed.put(user, e.getMessage())));
    }
    return Future.join(users).otherwiseEmpty()
        .map(all -> new JsonObject().put("registered", registered).put("failed", failed));
  }

  /**
   * Hands the tenant file's token to {@link CallbackMaps#TOKENS} as the callback endpoint does for the
   * tenants a node starts with: for a tenant added, or whose file token changed, while the node runs.
   * Register the filters afterwards, so that they carry the token the cluster holds then.
   */
  public Future<Void> takeToken(TenantConfig tenant) {
    return tokens.init(List.of(tenant));
  }

  /**
   * Takes this connector's filters of the tenant out of the user's set (and out of each active
   * monetary account's with {@code accountFilters}), keeping the filters that point elsewhere. Call it
   * while the user is still served: the change is a call as that user.
   */
  public Future<Void> remove(TenantConfig tenant, String user) {
    return inTurn(tenant, user, () -> callbackUrl(tenant, user)
        .compose(ours -> replaceSet(tenant, user, FILTERS_PATH, ours, Set.of())
            .compose(done -> tenant.accountFilters() ? registerAccounts(tenant, user, ours, Set.of())
                : Future.succeededFuture())));
  }

  private Future<Integer> registerWithRetries(TenantConfig tenant, String user, int attempt) {
    return register(tenant, user).recover(e -> {
      if (isFinal(e)) {
        return Future.failedFuture(new IllegalStateException(e.getMessage() + " (not tried again: the same call"
            + " would be refused the same way)", e));
      }
      if (attempt >= ATTEMPTS) {
        return Future.failedFuture(new IllegalStateException(e.getMessage() + " (after " + attempt + " attempts)",
            e));
      }
      Promise<Integer> again = Promise.promise();
      vertx.setTimer(1_000, timer -> registerWithRetries(tenant, user, attempt + 1).onComplete(again));
      return again.future();
    });
  }

  /**
   * Whether a failed registration would fail again at once: bunq refused the request itself (400,
   * 403, 404), or the user is not served or its credentials were refused. Rate limits, timeouts, bunq's own errors,
   * an expired session and unclear outcomes are worth another try.
   */
  private static boolean isFinal(Throwable failure) {
    if (failure instanceof UnknownUserException || failure instanceof InvalidUserException) {
      return true;
    }
    if (!(failure instanceof BunqApiException e)) {
      return false;
    }
    return switch (e.code()) {
      case BAD_REQUEST, FORBIDDEN, NOT_FOUND, INVALID_REQUEST, UNKNOWN_USER -> true;
      default -> false;
    };
  }

  /**
   * Makes bunq's set of the user's filters hold this connector's URL for each of the tenant's
   * categories, keeping other targets; with {@code accountFilters} also on each of the user's active
   * monetary accounts. A target on this connector's scheme and host under this tenant's callback path
   * is ours whatever its port and token ({@link #isOurs}), so a moved port or a rotated token replaces
   * the old entry instead of piling up.
   * Completes with the number of categories registered.
   */
  public Future<Integer> register(TenantConfig tenant, String user) {
    return inTurn(tenant, user, () -> callbackUrl(tenant, user)
        .compose(ours -> replaceSet(tenant, user, FILTERS_PATH, ours, tenant.categories())
            .compose(done -> tenant.accountFilters() ? registerAccounts(tenant, user, ours, tenant.categories())
                : Future.succeededFuture()))
        .map(done -> tenant.categories().size()));
  }

  private Future<Void> registerAccounts(TenantConfig tenant, String user, String ours, Set<String> categories) {
    // Every page of accounts: bunq's default page holds 10.
    return client.callAll(new ApiCall(tenant.id(), user, HttpMethod.GET, ACCOUNTS_PATH, Map.of("count", "200"),
        null), MAX_ACCOUNTS)
        .compose(accounts -> {
          Future<Void> chain = Future.succeededFuture();
          for (Object item : accounts.items()) {
            if (item instanceof JsonObject wrapper && wrapper.size() == 1
                && wrapper.getValue(wrapper.fieldNames().iterator().next()) instanceof JsonObject account
                && "ACTIVE".equals(account.getString("status")) && account.getValue("id") != null) {
              String path = "/user/" + ApiCall.USER_ID + "/monetary-account/" + account.getValue("id")
                  + "/notification-filter-url";
              chain = chain.compose(done -> replaceSet(tenant, user, path, ours, categories));
            }
          }
          return chain;
        });
  }

  private Future<Void> replaceSet(TenantConfig tenant, String user, String path, String ours,
      Set<String> categories) {
    return client.call(new ApiCall(tenant.id(), user, HttpMethod.GET, path, Map.of(), null))
        .compose(current -> {
          JsonArray filters = new JsonArray();
          Map<String, Integer> perCategory = new HashMap<>();
          for (JsonObject filter : existing(current)) {
            String target = filter.getString("notification_target");
            if (target != null && !isOurs(target, tenant)) {
              filters.add(new JsonObject().put("category", filter.getString("category"))
                  .put("notification_target", target));
              perCategory.merge(filter.getString("category"), 1, Integer::sum);
            }
          }
          for (String category : categories) {
            if (perCategory.merge(category, 1, Integer::sum) > MAX_URLS_PER_CATEGORY) {
              return Future.failedFuture(new BunqApiException(ErrorCode.INVALID_REQUEST, 0, List.of(tenant.id() + "/"
                  + user + " already has " + MAX_URLS_PER_CATEGORY + " other callback URLs for " + category
                  + ", bunq's limit"), null));
            }
            filters.add(new JsonObject().put("category", category).put("notification_target", ours));
          }
          JsonObject body = new JsonObject().put("notification_filters", filters);
          return client.call(new ApiCall(tenant.id(), user, HttpMethod.POST, path, Map.of(), body.toBuffer()));
        })
        .mapEmpty();
  }

  /**
   * Whether a registered target is this connector's for the tenant: the tenant's callback path on the
   * same host, whatever the port and token. An earlier registration (the callback endpoint moved to
   * another port, the token changed) is then replaced rather than kept beside the new one.
   */
  boolean isOurs(String target, TenantConfig tenant) {
    try {
      URI ours = new URI(publicBaseUrl);
      URI theirs = new URI(target);
      String prefix = (ours.getRawPath() == null ? "" : ours.getRawPath()) + CallbackVerticle.PATH_PREFIX
          + tenant.id() + "/";
      return theirs.getHost() != null && theirs.getHost().equalsIgnoreCase(ours.getHost())
          && Objects.equals(theirs.getScheme(), ours.getScheme())
          && theirs.getRawPath() != null && theirs.getRawPath().startsWith(prefix);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static List<JsonObject> existing(BunqResponse response) {
    return response.items().stream()
        .filter(item -> item instanceof JsonObject wrapper && wrapper.getValue("NotificationFilterUrl")
            instanceof JsonObject)
        .map(item -> ((JsonObject) item).getJsonObject("NotificationFilterUrl"))
        .toList();
  }
}
