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

  /** Most pages one walk of a list reads. */
  public static final int MAX_WALK_PAGES = 1_000;
  /** Longest a walk of a list takes when its caller names no deadline: five minutes. */
  public static final long MAX_WALK_MS = 300_000;

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
   * items newer than a {@code newer_id}. Stops when bunq gives no further cursor or an empty page,
   * when {@code maxItems} items are collected (the last page is cut to fit), or when a cursor comes
   * back that was already followed. A cursor must point at the very path the first call requested;
   * its {@code count}, {@code older_id} and {@code newer_id} must be bunq's. A walk also stops after
   * {@value #MAX_WALK_PAGES} pages, or at the caller's deadline (else after
   * {@value #MAX_WALK_MS} ms); the response then says it is not complete.
   *
   * @return a response whose {@code Response} holds the items of every page in the order walked, and
   *     whose {@code Pagination} is that of the last page read; {@link BunqResponse#pages()} tells how
   *     many pages that took
   */
  public Future<BunqResponse> callAll(ApiCall call, int maxItems) {
    return callAll(call, maxItems, MAX_WALK_PAGES, MAX_WALK_MS);
  }

  /** {@link #callAll(ApiCall, int)} with other caps of pages and time, for tests. */
  Future<BunqResponse> callAll(ApiCall call, int maxItems, int maxPages, long maxWalkMs) {
    if (call.method() != HttpMethod.GET) {
      return Future.failedFuture(new IllegalArgumentException("only GET lists are paged, not " + call.method()));
    }
    long until = call.deadlineMs() > 0 ? call.deadlineMs() : System.currentTimeMillis() + maxWalkMs;
    Walk walk = new Walk(call, call.query().containsKey("newer_id") ? "newer_url" : "older_url", maxItems,
        maxPages, until);
    return sessions.context(call.tenant(), call.user())
        .compose(context -> {
          walk.path = call.path().replace(ApiCall.USER_ID, Long.toString(context.bunqUserId()));
          return call(call);
        })
        .compose(first -> walk(walk, first, 1));
  }

  /** Where a walk of a list stands. */
  private static final class Walk {
    final ApiCall call;
    final String cursor;
    final int maxItems;
    final int maxPages;
    final long until;
    final JsonArray items = new JsonArray();
    final Set<String> followed = new HashSet<>();
    String path;

    Walk(ApiCall call, String cursor, int maxItems, int maxPages, long until) {
      this.call = call;
      this.cursor = cursor;
      this.maxItems = maxItems;
      this.maxPages = maxPages;
      this.until = until;
    }
  }

  private Future<BunqResponse> walk(Walk walk, BunqResponse page, int pages) {
    for (Object item : page.items()) {
      if (walk.items.size() >= walk.maxItems) {
        break;
      }
      walk.items.add(item);
    }
    JsonObject pagination = page.pagination();
    String next = pagination == null ? null : pagination.getString(walk.cursor);
    boolean done = next == null || page.items().isEmpty() || walk.items.size() >= walk.maxItems
        || !walk.followed.add(next);
    String cap = done ? null : pages >= walk.maxPages ? walk.maxPages + " pages"
        : System.currentTimeMillis() >= walk.until ? "the time it may take" : null;
    if (done || cap != null) {
      if (cap != null) {
        log.warn("Walk of GET {} for {}/{} stopped at {} ({} items): the reply says it is not complete",
            walk.call.path(), walk.call.tenant(), walk.call.user(), cap, walk.items.size());
      }
      JsonObject body = page.body().put("Response", walk.items);
      return Future.succeededFuture(new BunqResponse(page.status(), body, page.responseId(), pages, cap == null));
    }
    ApiCall nextCall;
    try {
      nextCall = Cursors.follow(walk.call, walk.path, next);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BUNQ_ERROR, page.status(),
          List.of("bunq's " + walk.cursor + " cannot be followed: " + e.getMessage()), page.responseId()));
    }
    return call(nextCall).compose(following -> walk(walk, following, pages + 1));
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
