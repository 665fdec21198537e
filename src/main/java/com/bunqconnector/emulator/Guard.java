package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * bunq's request checks: which token authenticates the call, whether the body signature holds,
 * and whether path ids belong to the session's user. Failures are {@link ApiError}s with bunq's
 * texts.
 *
 * <p>Tokens: a token the emulator never issued (or none at all) is 403 {@code Insufficient
 * authentication.}, and so is the token of a session that was closed (by {@code DELETE /session} or by
 * a new session on its installation): bunq drops a closed session, and bunq's Java SDK expects a
 * {@code ForbiddenException} (403) for a call after {@code DELETE /session/0}. A known token that does
 * not authorise the call (an installation token where a session is needed, a session that expired, was
 * expired early or whose API key was revoked) is 401 {@code Insufficient authorisation.}. bunq sends
 * both texts for dead tokens; which one when is not documented beyond that, and this split (unknown or
 * closed vs. known but no longer valid) is the emulator's reading of the reports.
 *
 * <p>Signatures: where bunq requires one, it must be present (466) and valid (401). Elsewhere a
 * signature is ignored, unless {@link EmulatorOptions#isStrictSignatures()} is on: then a present
 * signature is verified on every call with a known token ({@link #strictSignature}).
 *
 * <p>IP binding: every call with a session token is checked against the {@code permitted_ips} of the
 * device the session's secret (API key or OAuth access token) was registered with on that installation,
 * as session-server checks it: {@code *} allows every IP, and a device registered without a list is bound
 * to the IP that registered it. bunq documents the binding but not the answer to a session used from
 * another IP; the emulator gives the one bunq sends for an IP the key is not bound to: 400 {@code User
 * credentials are incorrect. Incorrect API key or IP address.}
 */
final class Guard {

  static final String AUTHENTICATION = "X-Bunq-Client-Authentication";
  static final String CLIENT_SIGNATURE = "X-Bunq-Client-Signature";
  private static final String SESSION_KEY = "bunq.session";
  /** Routing-context key set once the signature of the call has been verified. */
  private static final String SIGNATURE_VERIFIED_KEY = "bunq.signatureVerified";
  /** Calls whose body {@code secret} is an API key, refused when that key has been revoked. */
  private static final Set<String> SECRET_PATHS = Set.of("/v1/device-server", "/v1/session-server");

  private final EmulatorState state;
  private final CryptoWorker crypto;
  private final CredentialFaults credentials;
  private final boolean strictSignatures;

  Guard(EmulatorState state, CryptoWorker crypto, CredentialFaults credentials, boolean strictSignatures) {
    this.state = state;
    this.crypto = crypto;
    this.credentials = credentials;
    this.strictSignatures = strictSignatures;
  }

  /**
   * First handler of every request: remembers the installation the token names (directly, or
   * through a session, even an expired one) so that even error answers get signed.
   */
  void identify(RoutingContext ctx) {
    String token = ctx.request().getHeader(AUTHENTICATION);
    if (token != null) {
      state.installationByToken(token).ifPresent(i -> ctx.put(Replies.INSTALLATION_KEY, i));
      state.sessionByToken(token).or(() -> state.endedSessionByToken(token)).ifPresent(s -> {
        ctx.put(Replies.INSTALLATION_KEY, s.installation());
        ctx.put(SESSION_KEY, s);
      });
    }
    ctx.next();
  }

  /** The installation whose token authenticates this call; 401 for a session token, 403 for an unknown one. */
  Installation installation(RoutingContext ctx) {
    String token = ctx.request().getHeader(AUTHENTICATION);
    return state.installationByToken(token == null ? "" : token).orElseThrow(() -> refusal(ctx));
  }

  /** Whether the call carries a session token (live or expired) instead of an installation token. */
  boolean hasSessionToken(RoutingContext ctx) {
    return ctx.get(SESSION_KEY) != null;
  }

  /**
   * The live session whose token authenticates this call; 401 for an installation token or a session
   * that expired or was ended early, 403 for a missing or unknown token or a closed session. A call
   * shortly before expiry extends the session (see {@link EmulatorState#touchSession}). A caller IP
   * the session's device does not permit is a 400 credentials error (see the class comment).
   */
  Session session(RoutingContext ctx) {
    Session seen = ctx.get(SESSION_KEY);
    if (seen == null) {
      throw refusal(ctx);
    }
    // Read it again: the session may have been closed or extended since this request arrived.
    Session session = state.sessionByToken(seen.token()).orElse(null);
    if (session == null) {
      throw ApiError.unauthenticated();
    }
    if (session.isExpired(state.now()) || credentials.isEnded(session)) {
      throw ApiError.unauthorised();
    }
    if (!permitsCaller(session, callerIp(ctx))) {
      throw ApiError.badRequest(ApiError.BAD_CREDENTIALS);
    }
    Session live = state.touchSession(session);
    ctx.put(SESSION_KEY, live);
    return live;
  }

  /**
   * Authorises a session-level call: a live session token, then the body signature (verified when
   * present, and demanded when {@code signatureRequired}).
   */
  Future<Session> authorise(RoutingContext ctx, boolean signatureRequired) {
    Session session = session(ctx);
    return signature(ctx, session.installation(), signatureRequired).map(ok -> session);
  }

  /**
   * The user whose data the session acts on, after checking the {@code userID} path parameter
   * against the session's user id (for an OAuth session: the UserApiKey id; the granting user's
   * data is returned; what an OAuth session may do with it is narrowed by {@link #refuseForOauth}).
   */
  User user(RoutingContext ctx, Session session) {
    String raw = ctx.pathParam("userID");
    if (!raw.equals(Long.toString(session.userId()))) {
      throw ApiError.notFound("User for id \"" + raw + "\" not found.");
    }
    return session.user();
  }

  /**
   * Refuses with 403, for an OAuth session, a call outside bunq's default OAuth permissions, which
   * list what an app may do: read and create monetary accounts, read payments, create payments only
   * between the granting user's own accounts, create draft payments, manage cards, read and create
   * request inquiries and read request responses. So changing or closing an account, paying anyone
   * else, changing (so also accepting) a draft payment, revoking an inquiry and answering a request are
   * refused. bunq does not document the answer;
   * the status is the one the emulator gives for OAuth-client management through an OAuth session,
   * and the text names the action ({@code "An OAuth connection may not " + action + "."}).
   */
  static void refuseForOauth(Session session, String action) {
    if (session.grant() != null) {
      throw new ApiError(403, "An OAuth connection may not " + action + ".");
    }
  }

  /** The user's monetary account named by the {@code accountID} path parameter; 404 otherwise. */
  Account account(RoutingContext ctx, User user) {
    String raw = ctx.pathParam("accountID");
    return state.accountsOf(user).stream()
        .filter(a -> Long.toString(a.id).equals(raw))
        .findFirst()
        .orElseThrow(() -> ApiError.notFound("Monetary account for id \"" + raw + "\" not found."));
  }

  /**
   * Checks {@code X-Bunq-Client-Signature} over the raw body bytes as received (zero bytes when
   * there is no body) with the installation's client key. When {@code required} (bunq demands a
   * signature here), a missing header fails with 466 and a wrong one with 401. Otherwise the
   * signature is not looked at here: in strict mode {@link #strictSignature} has verified it already.
   */
  Future<Void> signature(RoutingContext ctx, Installation installation, boolean required) {
    if (!required || Boolean.TRUE.equals(ctx.get(SIGNATURE_VERIFIED_KEY))) {
      return Future.succeededFuture();
    }
    String signature = ctx.request().getHeader(CLIENT_SIGNATURE);
    if (signature == null || signature.isBlank()) {
      return Future.failedFuture(new ApiError(466, ApiError.SIGNATURE_REQUIRED));
    }
    return verify(ctx, installation, signature);
  }

  /**
   * Strict mode's check before routing: a call with a known token and a signature header has the
   * signature verified with that token's installation key (401 when wrong), whatever the endpoint.
   * Passes every call when strict mode is off, and calls without a signature or a known token.
   */
  Future<Void> strictSignature(RoutingContext ctx) {
    Installation installation = ctx.get(Replies.INSTALLATION_KEY);
    String signature = ctx.request().getHeader(CLIENT_SIGNATURE);
    if (!strictSignatures || installation == null || signature == null || signature.isBlank()) {
      return Future.succeededFuture();
    }
    return verify(ctx, installation, signature);
  }

  /**
   * Refuses device-server and session-server calls whose {@code secret} is a revoked API key with
   * bunq's credentials error, before the call reaches its route. Bodies that do not parse pass: the
   * route names what is wrong with them.
   */
  void refuseRevokedKeys(RoutingContext ctx) {
    if (!HttpMethod.POST.equals(ctx.request().method()) || !SECRET_PATHS.contains(ctx.request().path())) {
      return;
    }
    Object secret;
    try {
      secret = new JsonObject(rawBody(ctx)).getValue("secret");
    } catch (RuntimeException e) {
      return;
    }
    if (secret instanceof String key && credentials.isRevoked(key)) {
      throw ApiError.badRequest(ApiError.BAD_CREDENTIALS);
    }
  }

  private Future<Void> verify(RoutingContext ctx, Installation installation, String signature) {
    return crypto.verify(installation.clientKey(), rawBody(ctx).getBytes(), signature).compose(ok -> {
      if (!ok) {
        return Future.failedFuture(invalidSignature());
      }
      ctx.put(SIGNATURE_VERIFIED_KEY, Boolean.TRUE);
      return Future.<Void>succeededFuture();
    });
  }

  /**
   * Whether the device behind the session (its secret registered on its installation) permits
   * {@code ip}. A session is opened only through such a device; should it be gone, the call is refused.
   */
  private boolean permitsCaller(Session session, String ip) {
    String secret = session.grant() == null ? session.user().apiKey() : session.grant().accessToken();
    return state.device(session.installation().id(), secret).map(device -> device.permits(ip)).orElse(false);
  }

  /** The IP address the call came from, as the device bindings name it. */
  static String callerIp(RoutingContext ctx) {
    return ctx.request().remoteAddress().host();
  }

  /** 401 for a token the emulator knows (it just does not authorise this call), 403 for anything else. */
  private static ApiError refusal(RoutingContext ctx) {
    return ctx.get(Replies.INSTALLATION_KEY) != null ? ApiError.unauthorised() : ApiError.unauthenticated();
  }

  private static ApiError invalidSignature() {
    return new ApiError(401, ApiError.SIGNATURE_INVALID);
  }

  /** The body exactly as received; empty when there was none. */
  static Buffer rawBody(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return body == null ? Buffer.buffer() : body;
  }
}
