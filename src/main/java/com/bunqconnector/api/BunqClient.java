package com.bunqconnector.api;

import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Calls bunq for a configured user: opens the user's context if needed, fills in the bunq user
 * id, signs, sends and verifies.
 *
 * <p>Safe to use from any verticle. Failures are {@link BunqApiException}s, or
 * {@link com.bunqconnector.session.UnknownUserException} for a user the node does not have.
 */
public final class BunqClient {

  /** Marks log lines about answers that may have been tampered with, for alerting. */
  public static final Marker SECURITY = MarkerFactory.getMarker("SECURITY");

  private static final Logger log = LoggerFactory.getLogger(BunqClient.class);

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
        context.clientPrivateKey(), context.serverPublicKey(), call.deadlineMs()));
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
      log.error(SECURITY, "bunq's answer to {} {} for {}/{} does not carry a valid server signature ({}): it may"
          + " have been altered on the way; the context is rebuilt", call.method(), call.path(),
          call.tenant(), call.user(), String.join(" ", bunq.descriptions()));
      Future<SessionContext> rebuilt = sessions.rebuild(call.tenant(), call.user(), context.installationToken());
      return call.method() == HttpMethod.GET
          ? rebuilt.compose(fresh -> send(call, fresh))
          : rebuilt.transform(done -> Future.failedFuture(failure));
    }
    return Future.failedFuture(failure);
  }

  /**
   * Makes a GET list call and follows bunq's cursors page after page, collecting the items: toward
   * older items ({@code older_url}), or toward newer ones ({@code newer_url}) when the call asks for
   * items newer than a {@code newer_id}. Stops when bunq gives no further cursor, when
   * {@code maxItems} items are collected (the last page is cut to fit), or when a cursor comes back
   * that was already followed. A cursor must point at the same list; bunq's {@code count} carries on
   * from page to page.
   *
   * @return a response whose {@code Response} holds the items of every page in the order walked, and
   *     whose {@code Pagination} is that of the last page read; {@link BunqResponse#pages()} tells how
   *     many pages that took
   */
  public Future<BunqResponse> callAll(ApiCall call, int maxItems) {
    if (call.method() != HttpMethod.GET) {
      return Future.failedFuture(new IllegalArgumentException("only GET lists are paged, not " + call.method()));
    }
    String cursor = call.query().containsKey("newer_id") ? "newer_url" : "older_url";
    return call(call).compose(first -> walk(call, first, cursor, maxItems, new JsonArray(), new HashSet<>(), 1));
  }

  private Future<BunqResponse> walk(ApiCall call, BunqResponse page, String cursor, int maxItems, JsonArray items,
      Set<String> followed, int pages) {
    for (Object item : page.items()) {
      if (items.size() >= maxItems) {
        break;
      }
      items.add(item);
    }
    JsonObject pagination = page.pagination();
    String next = pagination == null ? null : pagination.getString(cursor);
    if (next == null || items.size() >= maxItems || !followed.add(next)) {
      JsonObject body = page.body().copy().put("Response", items);
      return Future.succeededFuture(new BunqResponse(page.status(), body, page.responseId(), pages));
    }
    ApiCall nextCall;
    try {
      nextCall = Cursors.follow(call, next);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BUNQ_ERROR, page.status(),
          List.of("bunq's " + cursor + " cannot be followed: " + e.getMessage()), page.responseId()));
    }
    return call(nextCall).compose(following -> walk(call, following, cursor, maxItems, items, followed, pages + 1));
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
