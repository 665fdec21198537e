package com.bunqconnector.api;

import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import io.vertx.core.Future;
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

  public Future<BunqResponse> call(ApiCall call) {
    // TODO(#4): a 401/403 mid-session should open one new session and retry once; today it reaches the caller.
    return sessions.context(call.tenant(), call.user())
        .compose(context -> http.send(new BunqRequest(call.method(), url(context, call), call.body(),
            context.sessionToken(), context.clientPrivateKey(), context.serverPublicKey())));
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
