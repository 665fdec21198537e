package com.bunqconnector.callback;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqApiException;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqResponse;
import com.bunqconnector.api.ErrorCode;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Registers a user's callback URL with bunq ({@code notification-filter-url} at user level) for
 * every category the tenant consumes. bunq replaces the whole set on each POST, so filters that
 * point elsewhere (another application of the same user) are kept, and bunq's limit of two URLs
 * per category is checked before anything is sent.
 */
public final class FilterRegistrar {

  /** bunq's limit of callback URLs per category. */
  static final int MAX_URLS_PER_CATEGORY = 2;

  private static final String FILTERS_PATH = "/user/" + ApiCall.USER_ID + "/notification-filter-url";

  private final BunqClient client;
  private final String publicBaseUrl;

  /**
   * @param publicBaseUrl the base URL at which bunq reaches this connector's callback endpoint
   */
  public FilterRegistrar(BunqClient client, String publicBaseUrl) {
    this.client = client;
    this.publicBaseUrl = publicBaseUrl;
  }

  /** The URL bunq should post the user's callbacks to. It holds the tenant's secret token: never log it. */
  public String callbackUrl(TenantConfig tenant, String user) {
    return publicBaseUrl + CallbackVerticle.PATH_PREFIX + tenant.id() + "/" + tenant.callbackToken() + "?user="
        + URLEncoder.encode(user, StandardCharsets.UTF_8);
  }

  /**
   * Makes bunq's set of the user's filters hold this connector's URL for each of the tenant's
   * categories, keeping other targets. Completes with the number of categories registered.
   */
  public Future<Integer> register(TenantConfig tenant, String user) {
    String ours = callbackUrl(tenant, user);
    return client.call(new ApiCall(tenant.id(), user, HttpMethod.GET, FILTERS_PATH, Map.of(), null))
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
          for (String category : tenant.categories()) {
            if (perCategory.merge(category, 1, Integer::sum) > MAX_URLS_PER_CATEGORY) {
              return Future.failedFuture(new BunqApiException(ErrorCode.INVALID_REQUEST, 0, List.of(tenant.id() + "/"
                  + user + " already has " + MAX_URLS_PER_CATEGORY + " other callback URLs for " + category
                  + ", bunq's limit"), null));
            }
            filters.add(new JsonObject().put("category", category).put("notification_target", ours));
          }
          JsonObject body = new JsonObject().put("notification_filters", filters);
          return client.call(new ApiCall(tenant.id(), user, HttpMethod.POST, FILTERS_PATH, Map.of(),
              body.toBuffer()));
        })
        .map(done -> tenant.categories().size());
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
