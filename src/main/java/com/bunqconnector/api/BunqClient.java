package com.bunqconnector.api;

import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Calls bunq for a configured user: opens the user's context if needed, fills in the bunq user
 * id, signs, sends and verifies.
 *
 * <p>Safe to use from any verticle. Failures are {@link BunqApiException}s, or
 * {@link com.bunqconnector.session.UnknownUserException} for a user the node does not have.
 */
public final class BunqClient {

  private final SessionManager sessions;
  private final BunqHttp http;

  public BunqClient(SessionManager sessions, BunqHttp http) {
    this.sessions = sessions;
    this.http = http;
  }

  /**
   * Makes the call. When bunq declares the session dead ({@code 401 Insufficient authorisation.} or
   * {@code 403 Insufficient authentication.}), the user gets one new session and the call is sent
   * once more: bunq refused it before doing anything. When a 2xx answer's signature does not verify,
   * the user's context is rebuilt once; a GET is then sent again, any other call fails with
   * {@code bad-signature}, since bunq may have carried it out.
   */
  public Future<BunqResponse> call(ApiCall call) {
    return sessions.context(call.tenant(), call.user())
        .compose(context -> send(call, context).recover(failure -> recover(call, context, failure)));
  }

  private Future<BunqResponse> send(ApiCall call, SessionContext context) {
    return http.send(new BunqRequest(call.method(), url(context, call), call.body(), context.sessionToken(),
        context.clientPrivateKey(), context.serverPublicKey()));
  }

  private Future<BunqResponse> recover(ApiCall call, SessionContext context, Throwable failure) {
    if (!(failure instanceof BunqApiException bunq)) {
      return Future.failedFuture(failure);
    }
    if (sessionRefused(bunq)) {
      return sessions.renewAfterRefusal(call.tenant(), call.user(), context.sessionToken())
          .compose(fresh -> send(call, fresh));
    }
    if (bunq.code() == ErrorCode.BAD_SIGNATURE) {
      Future<SessionContext> rebuilt = sessions.rebuild(call.tenant(), call.user(), context.installationToken());
      return call.method() == HttpMethod.GET
          ? rebuilt.compose(fresh -> send(call, fresh))
          : rebuilt.transform(done -> Future.failedFuture(failure));
    }
    return Future.failedFuture(failure);
  }

  static boolean sessionRefused(BunqApiException failure) {
    return failure.status() == 401 && failure.descriptions().contains("Insufficient authorisation.")
        || failure.status() == 403 && failure.descriptions().contains("Insufficient authentication.");
  }

  /** The user's context, opened if needed; for callers that need the bunq user id. */
  public Future<SessionContext> context(String tenant, String user) {
    return sessions.context(tenant, user);
  }

  static String url(SessionContext context, ApiCall call) {
    String path = call.path().replace(ApiCall.USER_ID, Long.toString(context.bunqUserId()));
    StringBuilder url = new StringBuilder(context.baseUrl()).append(path);
    char separator = '?';
    for (Map.Entry<String, String> parameter : call.query().entrySet()) {
      url.append(separator)
          .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }
}
