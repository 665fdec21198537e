package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The type-specific user reads ({@code user-person}, {@code user-company},
 * {@code user-payment-service-provider}) and a user's OAuth clients with their callback URLs
 * ({@code oauth-client}, {@code oauth-client/{id}/callback-url}). OAuth clients can be managed
 * only with the user's own API key, not through an OAuth connection.
 */
final class IdentityRoutes {

  private static final String CLIENT = "/v1/user/:userID/oauth-client";
  private static final String URLS = CLIENT + "/:clientID/callback-url";

  private final EmulatorState state;
  private final OauthRegistry oauth;
  private final Guard guard;

  IdentityRoutes(EmulatorState state, OauthRegistry oauth, Guard guard) {
    this.state = state;
    this.oauth = oauth;
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    router.get("/v1/user-person/:userID").handler(replies.handler(ctx -> typedUser(ctx, Kind.PERSON)));
    router.get("/v1/user-company/:userID").handler(replies.handler(ctx -> typedUser(ctx, Kind.COMPANY)));
    router.get("/v1/user-payment-service-provider/:userID").handler(replies.handler(ctx -> typedUser(ctx, Kind.PSP)));
    router.post(CLIENT).handler(replies.handler(this::createClient));
    router.get(CLIENT).handler(replies.handler(this::listClients));
    router.get(CLIENT + "/:clientID").handler(replies.handler(this::getClient));
    router.put(CLIENT + "/:clientID").handler(replies.handler(this::updateClient));
    router.post(URLS).handler(replies.handler(this::addUrl));
    router.get(URLS).handler(replies.handler(this::listUrls));
    router.get(URLS + "/:urlID").handler(replies.handler(this::getUrl));
    router.delete(URLS + "/:urlID").handler(replies.handler(this::deleteUrl));
  }

  private Future<JsonObject> typedUser(RoutingContext ctx, Kind kind) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      if (session.grant() != null || user.kind() != kind) {
        throw ApiError.notFound(kind.wrapper + " for id \"" + ctx.pathParam("userID") + "\" not found.");
      }
      return Envelopes.response(UserJson.wrap(user));
    });
  }

  /** Creates an active client; bunq allows one active OAuth client per user. */
  private Future<JsonObject> createClient(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User owner = owner(ctx, session);
      String status = status(Bodies.object(ctx, true), "ACTIVE");
      if ("ACTIVE".equals(status)) {
        requireNoOtherActive(owner, null);
      }
      OauthClient client = oauth.addClient(owner, null, null);
      client.status = status;
      return Envelopes.response(Envelopes.id(client.id));
    });
  }

  private Future<JsonObject> listClients(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, OauthClient> clients = new TreeMap<>();
      oauth.clientsOf(owner(ctx, session)).forEach(c -> clients.put(c.id, c));
      Paging.Page<OauthClient> page = Paging.page(ctx.request().path(), ctx.queryParams(), clients);
      return Envelopes.listing(page.items().stream().map(IdentityRoutes::render).toList(), page.pagination());
    });
  }

  private Future<JsonObject> getClient(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> Envelopes.response(render(client(ctx, session))));
  }

  private Future<JsonObject> updateClient(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      OauthClient client = client(ctx, session);
      String status = status(Bodies.object(ctx, false), null);
      if ("ACTIVE".equals(status)) {
        requireNoOtherActive(client.owner, client);
      }
      client.status = status;
      client.updated = state.now();
      return Envelopes.response(Envelopes.id(client.id));
    });
  }

  private Future<JsonObject> addUrl(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      OauthClient client = client(ctx, session);
      String url = Bodies.string(Bodies.object(ctx, false), "url");
      if (!SeedChecks.isRedirectUri(url)) {
        throw ApiError.badRequest("Field \"url\" must be an absolute http(s) URL without fragment.");
      }
      return Envelopes.response(Envelopes.id(oauth.addCallbackUrl(client, url)));
    });
  }

  private Future<JsonObject> listUrls(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, String> urls = new TreeMap<>(client(ctx, session).callbackUrls);
      Paging.Page<Map.Entry<Long, String>> page = Paging.page(ctx.request().path(), ctx.queryParams(),
          entries(urls));
      return Envelopes.listing(page.items().stream()
          .map(e -> Envelopes.wrap("OauthCallbackUrl", url(e.getKey(), e.getValue())))
          .toList(), page.pagination());
    });
  }

  private Future<JsonObject> getUrl(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      OauthClient client = client(ctx, session);
      long id = urlId(ctx, client);
      return Envelopes.response(Envelopes.wrap("OauthCallbackUrl", url(id, client.callbackUrls.get(id))));
    });
  }

  private Future<JsonObject> deleteUrl(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      OauthClient client = client(ctx, session);
      client.callbackUrls.remove(urlId(ctx, client));
      client.updated = state.now();
      return Envelopes.response(List.of());
    });
  }

  /** The path's user, who must be acting with its own key: an OAuth connection may not manage OAuth clients. */
  private User owner(RoutingContext ctx, Session session) {
    User user = guard.user(ctx, session);
    if (session.grant() != null) {
      throw new ApiError(403, "OAuth clients cannot be managed through an OAuth connection.");
    }
    return user;
  }

  private OauthClient client(RoutingContext ctx, Session session) {
    String raw = ctx.pathParam("clientID");
    return oauth.clientsOf(owner(ctx, session)).stream()
        .filter(c -> Long.toString(c.id).equals(raw))
        .findFirst()
        .orElseThrow(() -> ApiError.notFound("OauthClient for id \"" + raw + "\" not found."));
  }

  private static long urlId(RoutingContext ctx, OauthClient client) {
    String raw = ctx.pathParam("urlID");
    return client.callbackUrls.keySet().stream()
        .filter(id -> Long.toString(id).equals(raw))
        .findFirst()
        .orElseThrow(() -> ApiError.notFound("OauthCallbackUrl for id \"" + raw + "\" not found."));
  }

  private void requireNoOtherActive(User owner, OauthClient except) {
    boolean other = oauth.clientsOf(owner).stream().anyMatch(c -> c != except && c.isActive());
    if (other) {
      throw ApiError.badRequest("The user already has an active OAuth client; bunq allows one at a time.");
    }
  }

  /** The {@code status} field: ACTIVE or CANCELLED; {@code fallback} when absent (null: required). */
  private static String status(JsonObject body, String fallback) {
    Object value = body.getValue("status");
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!"ACTIVE".equals(value) && !"CANCELLED".equals(value)) {
      throw ApiError.badRequest("Field \"status\" must be \"ACTIVE\" or \"CANCELLED\".");
    }
    return (String) value;
  }

  /** An OauthClient, with the fields of bunq's {@code OauthClientRead} in its order. */
  private static JsonObject render(OauthClient client) {
    JsonArray urls = new JsonArray();
    client.callbackUrls.forEach((id, url) -> urls.add(url(id, url)));
    return Envelopes.wrap("OauthClient", new JsonObject()
        .put("id", client.id)
        .put("status", client.status)
        .put("display_name", client.owner.displayName())
        .put("client_id", client.clientId)
        .put("secret", client.secret)
        .put("callback_url", urls));
  }

  private static JsonObject url(long id, String url) {
    return new JsonObject().put("id", id).put("url", url);
  }

  private static NavigableMap<Long, Map.Entry<Long, String>> entries(NavigableMap<Long, String> urls) {
    NavigableMap<Long, Map.Entry<Long, String>> entries = new TreeMap<>();
    urls.forEach((id, url) -> entries.put(id, Map.entry(id, url)));
    return entries;
  }
}
