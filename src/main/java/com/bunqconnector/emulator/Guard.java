package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * bunq's request checks: which token authenticates the call, whether the body signature holds,
 * and whether path ids belong to the session's user. Failures are {@link ApiError}s with bunq's
 * texts.
 */
final class Guard {

  static final String AUTHENTICATION = "X-Bunq-Client-Authentication";
  static final String CLIENT_SIGNATURE = "X-Bunq-Client-Signature";
  private static final String SESSION_KEY = "bunq.session";

  private final EmulatorState state;
  private final CryptoWorker crypto;

  Guard(EmulatorState state, CryptoWorker crypto) {
    this.state = state;
    this.crypto = crypto;
  }

  /**
   * First handler of every request: remembers the installation the token names (directly, or
   * through a session, even an expired one) so that even error answers get signed.
   */
  void identify(RoutingContext ctx) {
    String token = ctx.request().getHeader(AUTHENTICATION);
    if (token != null) {
      state.installationByToken(token).ifPresent(i -> ctx.put(Replies.INSTALLATION_KEY, i));
      state.sessionByToken(token).ifPresent(s -> {
        ctx.put(Replies.INSTALLATION_KEY, s.installation());
        ctx.put(SESSION_KEY, s);
      });
    }
    ctx.next();
  }

  /** The installation whose token authenticates this call; 401 for any other token. */
  Installation installation(RoutingContext ctx) {
    String token = ctx.request().getHeader(AUTHENTICATION);
    return state.installationByToken(token == null ? "" : token).orElseThrow(ApiError::unauthorised);
  }

  /** Whether the call carries a session token (live or expired) instead of an installation token. */
  boolean hasSessionToken(RoutingContext ctx) {
    return ctx.get(SESSION_KEY) != null;
  }

  /**
   * The live session whose token authenticates this call; 401 if missing, unknown, ended or expired.
   * A call shortly before expiry extends the session (see {@link EmulatorState#touchSession}).
   */
  Session session(RoutingContext ctx) {
    Session seen = ctx.get(SESSION_KEY);
    // Read it again: the session may have been ended or extended since this request arrived.
    Session session = seen == null ? null : state.sessionByToken(seen.token()).orElse(null);
    if (session == null || session.isExpired(state.now())) {
      throw ApiError.unauthorised();
    }
    // TODO(#3): re-check the device's IP binding here.
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
   * data is returned).
   */
  User user(RoutingContext ctx, Session session) {
    String raw = ctx.pathParam("userID");
    // TODO(#3): OAuth sessions act with the granting user's full rights and share its notification filters;
    // bunq limits an OAuth app's scope (e.g. payments only between the user's own accounts).
    if (!raw.equals(Long.toString(session.userId()))) {
      throw ApiError.notFound("User for id \"" + raw + "\" not found.");
    }
    return session.user();
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
   * Verifies {@code X-Bunq-Client-Signature} over the raw body bytes as received (zero bytes when
   * there is no body) with the installation's client key. A missing header fails with 466 when
   * {@code required}, and passes otherwise; a wrong one always fails with 401.
   */
  Future<Void> signature(RoutingContext ctx, Installation installation, boolean required) {
    String signature = ctx.request().getHeader(CLIENT_SIGNATURE);
    if (signature == null || signature.isBlank()) {
      return required ? Future.failedFuture(new ApiError(466, ApiError.SIGNATURE_REQUIRED)) : Future.succeededFuture();
    }
    return crypto.verify(installation.clientKey(), rawBody(ctx).getBytes(), signature)
        .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(invalidSignature()));
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
