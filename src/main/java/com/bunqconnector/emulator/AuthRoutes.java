package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.Model.Device;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anonymous and context-creating endpoints: {@code sandbox-user-person}, {@code sandbox-user-company},
 * {@code installation}, {@code device-server}, {@code session-server} and {@code DELETE session}, with
 * bunq's token, signature and API-key checks. Secrets are API keys (a PSD2 credential's token is one)
 * or OAuth access tokens.
 */
final class AuthRoutes {

  private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private final EmulatorState state;
  private final EmulatorOptions options;
  private final Guard guard;
  private final CryptoWorker crypto;
  private final OauthRegistry oauth;

  AuthRoutes(EmulatorState state, EmulatorOptions options, Guard guard, CryptoWorker crypto, OauthRegistry oauth) {
    this.state = state;
    this.options = options;
    this.guard = guard;
    this.crypto = crypto;
    this.oauth = oauth;
  }

  void mount(Router router, Replies replies) {
    router.post("/v1/sandbox-user-person").handler(replies.handler(ctx -> sandboxUser(ctx, Kind.PERSON)));
    router.post("/v1/sandbox-user-company").handler(replies.handler(ctx -> sandboxUser(ctx, Kind.COMPANY)));
    router.post("/v1/installation").handler(replies.handler(this::installation));
    router.post("/v1/device-server").handler(replies.handler(this::deviceServer));
    router.post("/v1/session-server").handler(replies.handler(this::sessionServer));
    router.delete("/v1/session/:sessionID").handler(replies.handler(this::deleteSession));
  }

  /** Creates a sandbox user of the kind with one funded account; bunq answers with the new API key only. */
  private Future<JsonObject> sandboxUser(RoutingContext ctx, Kind kind) {
    Bodies.object(ctx, true);
    User user = state.createUser(kind, null, null, new BigDecimal(options.getInitialBalance()),
        options.getSessionTimeoutSeconds());
    log.info("Created sandbox user {} ({})", user.id(), kind.wrapper);
    return Future.succeededFuture(Envelopes.response(
        Envelopes.wrap("ApiKey", new JsonObject().put("api_key", user.apiKey()))));
  }

  /**
   * Registers a client key. The answer is signed with the fresh server key: the client cannot check
   * it yet (all SDKs skip it), but it costs nothing and lets a client confirm the key pair afterwards.
   */
  private Future<JsonObject> installation(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    String pem = Bodies.string(body, "client_public_key");
    PublicKey clientKey;
    try {
      clientKey = RsaKeys.publicKeyFromPem(pem);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("Field \"client_public_key\" is not a valid RSA public key in PEM format: "
          + e.getMessage());
    }
    return crypto.generateKeyPair().map(serverKeys -> {
      Instant now = state.now();
      Installation installation = new Installation(state.nextId(), state.nextId(), now, state.newToken(), clientKey,
          serverKeys);
      state.addInstallation(installation);
      ctx.put(Replies.INSTALLATION_KEY, installation);
      log.info("Created installation {}", installation.id());
      String time = Timestamps.format(now);
      return Envelopes.response(
          Envelopes.id(installation.id()),
          Envelopes.wrap("Token", new JsonObject()
              .put("id", installation.tokenId())
              .put("created", time)
              .put("updated", time)
              .put("token", installation.token())),
          Envelopes.wrap("ServerPublicKey", new JsonObject()
              .put("server_public_key", RsaKeys.publicKeyToPem(serverKeys.getPublic()))));
    });
  }

  private Future<JsonObject> deviceServer(RoutingContext ctx) {
    Installation installation = guard.installation(ctx);
    return guard.signature(ctx, installation, false).map(ok -> {
      JsonObject body = Bodies.object(ctx, false);
      String description = Bodies.string(body, "description");
      String secret = Bodies.string(body, "secret");
      List<String> ips = permittedIps(body, Guard.callerIp(ctx));
      Principal principal = principal(secret);
      Device device = new Device(state.nextId(), state.now(), description, installation.id(), secret, ips);
      state.putDevice(device);
      state.psd2().deviceRegistered(principal.actingUser(), device, device.created());
      log.info("Registered device {} for {} on installation {}", device.id(), principal, installation.id());
      return Envelopes.response(Envelopes.id(device.id()));
    });
  }

  /**
   * Opens a session. A new session on an installation ends the one it had (the SDKs call
   * session-server again on the same installation when they refresh); a session token instead of
   * the installation token is refused with the text bunq sends for it. A PSD2 provider's first session
   * lasts an hour, later ones its auto-logout time ({@link Psd2Credentials#openSession}).
   */
  private Future<JsonObject> sessionServer(RoutingContext ctx) {
    if (guard.hasSessionToken(ctx)) {
      throw ApiError.badRequest("Authentication token already has a user session.");
    }
    Installation installation = guard.installation(ctx);
    return guard.signature(ctx, installation, true).map(ok -> {
      JsonObject body = Bodies.object(ctx, false);
      String secret = Bodies.string(body, "secret");
      Principal principal = principal(secret);
      boolean permitted = state.device(installation.id(), secret)
          .map(device -> device.permits(Guard.callerIp(ctx)))
          .orElse(false);
      if (!permitted) {
        throw ApiError.badRequest(ApiError.BAD_CREDENTIALS);
      }
      Instant now = state.now();
      long id = state.nextId();
      User timeoutOwner = principal.grant() == null ? principal.actingUser() : principal.grant().requestedBy();
      Duration lifetime = Duration.ofSeconds(timeoutOwner.sessionTimeoutSeconds());
      if (principal.grant() == null) {
        lifetime = state.psd2().openSession(principal.actingUser()).orElse(lifetime);
      }
      Session session = new Session(id, now, state.newToken(), installation, principal.actingUser(),
          now.plus(lifetime), principal.grant());
      state.endSessionsOf(installation.id());
      state.addSession(session);
      log.info("Opened session {} for {} on installation {}", id, principal, installation.id());
      String time = Timestamps.format(now);
      return Envelopes.response(
          Envelopes.id(id),
          Envelopes.wrap("Token", new JsonObject()
              .put("id", id)
              .put("created", time)
              .put("updated", time)
              .put("token", session.token())),
          UserJson.sessionUser(session));
    });
  }

  /**
   * Ends the calling session. bunq's SDKs pass {@code 0} ("the current session"); the session's own
   * id works too. Another id is a 404 (the emulator's choice: bunq documents only the current session).
   */
  private Future<JsonObject> deleteSession(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      String raw = ctx.pathParam("sessionID");
      if (!"0".equals(raw) && !Long.toString(session.id()).equals(raw)) {
        throw ApiError.notFound("Session for id \"" + raw + "\" not found.");
      }
      state.endSession(session);
      log.info("Closed session {} on installation {}", session.id(), session.installation().id());
      return Envelopes.response(List.of());
    });
  }

  /** Who a secret stands for: an API key's owner, or a live OAuth connection; 400 credentials error otherwise. */
  private Principal principal(String secret) {
    Optional<User> user = state.userByApiKey(secret);
    if (user.isPresent()) {
      return new Principal(user.get(), null);
    }
    Grant grant = oauth.grantByAccessToken(secret)
        .filter(g -> g.client().isActive())
        .orElseThrow(() -> ApiError.badRequest(ApiError.BAD_CREDENTIALS));
    return new Principal(grant.grantedBy(), grant);
  }

  /** The user a session acts for, and the OAuth connection it goes through (null for an API key). */
  private record Principal(User actingUser, Grant grant) {

    /** Ids only: safe to log. */
    @Override
    public String toString() {
      return grant == null ? "user " + actingUser.id() : "user-api-key " + grant.id();
    }
  }

  /** {@code permitted_ips} as bunq reads it: missing, null or empty binds the key to the caller. */
  private static List<String> permittedIps(JsonObject body, String callerIp) {
    JsonArray raw = Bodies.optionalArray(body, "permitted_ips");
    List<String> ips = new ArrayList<>();
    if (raw != null) {
      for (int i = 0; i < raw.size(); i++) {
        Object ip = raw.getValue(i);
        if (!(ip instanceof String text) || !("*".equals(text) || IPV4.matcher(text).matches())) {
          throw ApiError.badRequest("Field \"permitted_ips\" contains an invalid IP address at index " + i + ".");
        }
        ips.add(text);
      }
    }
    return ips.isEmpty() ? List.of(callerIp) : List.copyOf(ips);
  }
}
