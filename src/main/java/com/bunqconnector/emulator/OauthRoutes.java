package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.AuthorizationCode;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bunq's OAuth authorization-code flow, on the emulator's own host (bunq uses separate hosts):
 * {@code GET /auth} approves at once, without a browser, and redirects to the client's
 * {@code redirect_uri} with a single-use {@code code}; {@code POST /v1/token} exchanges the code,
 * read from URL query parameters only, for an access token that works like an API key.
 *
 * <p>Emulator-only: {@code /auth} takes {@code user_id} or {@code api_key} to say which user grants
 * access; without either, the first person who does not own the client grants it.
 */
final class OauthRoutes {

  /** bunq's text for a wrong, used or expired code. */
  static final String INVALID_CODE = "The authorization code is invalid or expired.";
  private static final Logger log = LoggerFactory.getLogger(OauthRoutes.class);

  private final EmulatorState state;
  private final OauthRegistry oauth;

  OauthRoutes(EmulatorState state, OauthRegistry oauth) {
    this.state = state;
    this.oauth = oauth;
  }

  void mount(Router router, Replies replies) {
    router.get("/auth").handler(ctx -> guarded(ctx, replies, () -> authorize(ctx, replies)));
    router.post("/v1/token").handler(ctx -> guarded(ctx, replies, () -> token(ctx, replies)));
  }

  private static void guarded(RoutingContext ctx, Replies replies, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      replies.fail(ctx, e);
    }
  }

  /** Checks the request, picks the granting user and redirects (302) with a fresh code and the state. */
  private void authorize(RoutingContext ctx, Replies replies) {
    MultiMap query = ctx.queryParams();
    String responseType = required(query, "response_type");
    if (!"code".equals(responseType)) {
      throw ApiError.badRequest("Parameter \"response_type\" must be \"code\".");
    }
    OauthClient client = oauth.clientByClientId(required(query, "client_id"))
        .orElseThrow(() -> ApiError.badRequest("Parameter \"client_id\" names no OAuth client."));
    if (!client.isActive()) {
      throw ApiError.badRequest("The OAuth client is not active.");
    }
    String redirectUri = required(query, "redirect_uri");
    if (!client.callbackUrls.containsValue(redirectUri)) {
      throw ApiError.badRequest("Parameter \"redirect_uri\" is not a redirect URL registered for this client.");
    }
    User grantor = grantor(query, client);
    String clientState = query.get("state");
    AuthorizationCode code = oauth.issueCode(client, redirectUri, clientState, grantor);
    log.info("User {} approved OAuth client {}", grantor.id(), client.id);
    String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + encode(code.code())
        + (clientState == null ? "" : "&state=" + encode(clientState));
    replies.durably(ctx, () -> ctx.response().setStatusCode(302).putHeader("Location", location).end());
  }

  private User grantor(MultiMap query, OauthClient client) {
    String userId = query.get("user_id");
    String apiKey = query.get("api_key");
    if (userId != null && apiKey != null) {
      throw ApiError.badRequest("Give either \"user_id\" or \"api_key\", not both.");
    }
    User grantor;
    if (userId != null) {
      grantor = state.users().stream().filter(u -> Long.toString(u.id()).equals(userId)).findFirst()
          .orElseThrow(() -> ApiError.badRequest("Parameter \"user_id\" names no user."));
    } else if (apiKey != null) {
      grantor = state.userByApiKey(apiKey)
          .orElseThrow(() -> ApiError.badRequest("Parameter \"api_key\" is not the API key of a user."));
    } else {
      grantor = state.users().stream().filter(u -> u.kind() == Kind.PERSON && u.id() != client.owner.id())
          .findFirst()
          .orElseThrow(() -> ApiError.badRequest(
              "No person other than the client's owner exists to grant access; pass \"user_id\" or \"api_key\"."));
    }
    if (grantor.kind() == Kind.PSP) {
      throw ApiError.badRequest("A payment service provider has no accounts to grant access to.");
    }
    return grantor;
  }

  /** The token exchange: plain JSON, no bunq envelope, no bunq headers needed. */
  private void token(RoutingContext ctx, Replies replies) {
    MultiMap query = ctx.queryParams();
    String grantType = query.get("grant_type");
    if (grantType == null || grantType.isEmpty()) {
      tokenError(ctx, replies, 400, "invalid_request", missing("grant_type"));
      return;
    }
    if (!"authorization_code".equals(grantType)) {
      tokenError(ctx, replies, 400, "unsupported_grant_type", "Only grant_type authorization_code is supported.");
      return;
    }
    for (String name : new String[] {"code", "redirect_uri", "client_id", "client_secret"}) {
      if (query.get(name) == null || query.get(name).isEmpty()) {
        tokenError(ctx, replies, 400, "invalid_request", missing(name));
        return;
      }
    }
    Optional<OauthClient> client = oauth.clientByClientId(query.get("client_id"))
        .filter(c -> c.secret.equals(query.get("client_secret")) && c.isActive());
    if (client.isEmpty()) {
      tokenError(ctx, replies, 400, "invalid_client", "The client_id or client_secret is invalid.");
      return;
    }
    Optional<AuthorizationCode> code = oauth.redeem(query.get("code"), client.get(), query.get("redirect_uri"));
    if (code.isEmpty()) {
      tokenError(ctx, replies, 400, "invalid_grant", INVALID_CODE);
      return;
    }
    Grant grant = oauth.grant(client.get(), code.get().grantedBy());
    log.info("Issued OAuth access for user-api-key {} (client {}, granted by user {})", grant.id(),
        client.get().id, grant.grantedBy().id());
    send(ctx, replies, 200, new JsonObject()
        .put("access_token", grant.accessToken())
        .put("token_type", "bearer")
        .put("state", code.get().state()));
  }

  private static String missing(String name) {
    return "Parameter \"" + name + "\" is missing; bunq reads the token request's parameters from the URL query,"
        + " not from the body.";
  }

  private static void tokenError(RoutingContext ctx, Replies replies, int status, String error, String text) {
    log.debug("Token request refused: {}", error);
    send(ctx, replies, status, new JsonObject().put("error", error).put("error_description", text));
  }

  private static void send(RoutingContext ctx, Replies replies, int status, JsonObject body) {
    replies.durably(ctx, () -> {
      replies.addIdHeaders(ctx);
      ctx.response().setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(body.toBuffer());
    });
  }

  private static String required(MultiMap query, String name) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      throw ApiError.badRequest("Parameter \"" + name + "\" is required.");
    }
    return value;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
