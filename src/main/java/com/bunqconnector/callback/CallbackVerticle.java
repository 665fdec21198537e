package com.bunqconnector.callback;

import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint bunq posts callbacks to, {@code POST /callbacks/<tenant>/<token>[?user=<user>]}.
 * A callback with the right tenant and token and a {@code NotificationUrl} body is answered 200
 * and sent to every consumer address the tenant names for its category (request/reply: a reply
 * is the consumer's acknowledgement). An unknown tenant, token or user gets 404, a bad body 400,
 * an oversized one 413. Nothing a request carries can make the handler throw.
 */
public final class CallbackVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CallbackVerticle.class);

  /** The path prefix of callback URLs. */
  public static final String PATH_PREFIX = "/callbacks/";

  /** Seconds a connection may stay silent before it is closed: a stalled client holds nothing for long. */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  private final Map<String, TenantConfig> tenants;
  private final String host;
  private final int port;
  private final int bodyLimit;
  private final long deliveryTimeoutMs;
  private final CallbackStats stats;
  private HttpServer server;

  public CallbackVerticle(Map<String, TenantConfig> tenants, String host, int port, int bodyLimit,
      long deliveryTimeoutMs, CallbackStats stats) {
    this.tenants = Map.copyOf(tenants);
    this.host = host;
    this.port = port;
    this.bodyLimit = bodyLimit;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    this.stats = stats;
  }

  /** The port the endpoint listens on, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post(PATH_PREFIX + ":tenant/:token")
        .handler((PlatformHandler) this::checkContentType)
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::receive);
    router.errorHandler(413, ctx -> reject(ctx, 413, "callback body is larger than " + bodyLimit + " bytes"));
    router.errorHandler(404, ctx -> reject(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> reject(ctx, 405, "callbacks are POSTed"));
    router.errorHandler(400, ctx -> reject(ctx, 400, "malformed request"));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() instanceof HttpClosedException) {
        log.debug("Callback client went away before its request ended");
      } else {
        log.error("Callback handling failed", ctx.failure());
      }
      reject(ctx, 500, "internal error");
    });
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(options)
        .invalidRequestHandler(request -> {
          stats.countRejected();
          request.response().setStatusCode(400).end("malformed request");
        })
        .requestHandler(router)
        .listen()
        .recover(e -> Future.failedFuture(new IllegalStateException("callback endpoint cannot listen on " + host + ":"
            + port + ": " + e.getMessage(), e)))
        .onSuccess(listening -> {
          server = listening;
          log.info("Callback endpoint listening on http://{}:{}{}", host, listening.actualPort(), PATH_PREFIX);
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * bunq posts JSON. Anything else is refused before the body is read, so that no form or multipart
   * decoder ever runs on what a stranger sends.
   */
  private void checkContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.isEmpty() && !mime.equals("application/json") && !mime.endsWith("+json")
        && !mime.equals("text/plain")) {
      reject(ctx, 415, "callbacks are JSON (Content-Type application/json), not " + mime);
      return;
    }
    ctx.next();
  }

  private void receive(RoutingContext ctx) {
    TenantConfig tenant = tenants.get(ctx.pathParam("tenant"));
    if (tenant == null || !sameToken(tenant.callbackToken(), ctx.pathParam("token"))) {
      log.warn("Rejected callback from {}: unknown tenant or token", ctx.request().remoteAddress());
      reject(ctx, 404, "not found");
      return;
    }
    List<String> users;
    try {
      users = ctx.queryParams().getAll("user");
    } catch (IllegalArgumentException e) {
      reject(ctx, 400, "the query string is malformed");
      return;
    }
    if (users.size() > 1) {
      reject(ctx, 400, "the query names more than one user");
      return;
    }
    String user = users.isEmpty() ? null : users.get(0);
    if (user != null && tenant.user(user).isEmpty()) {
      log.warn("Rejected callback for tenant {}: unknown user", tenant.id());
      reject(ctx, 404, "not found");
      return;
    }
    Notification notification;
    try {
      notification = Notification.parse(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      log.warn("Rejected callback for tenant {}: {}", tenant.id(), e.getMessage());
      reject(ctx, 400, e.getMessage());
      return;
    }
    stats.countReceived();
    ctx.response().setStatusCode(200).end();
    // TODO(#7): acknowledged before the event is stored in the cluster; issue 7 adds durable hand-off and retries.
    deliver(tenant, user, notification);
  }

  private void deliver(TenantConfig tenant, String user, Notification notification) {
    List<String> addresses = tenant.consumersFor(notification.category());
    if (addresses.isEmpty()) {
      stats.countUnrouted();
      log.warn("No consumer for {} callback of tenant {} (user {}); configure callbacks.{} or callbacks.*",
          notification.category(), tenant.id(), user, notification.category());
      return;
    }
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(deliveryTimeoutMs)
        .addHeader(CallbackHeaders.TENANT, tenant.id())
        .addHeader(CallbackHeaders.CATEGORY, notification.category())
        .addHeader(CallbackHeaders.OBJECT_TYPE, notification.objectType());
    if (user != null) {
      options.addHeader(CallbackHeaders.USER, user);
    }
    if (notification.eventType() != null) {
      options.addHeader(CallbackHeaders.EVENT_TYPE, notification.eventType());
    }
    List<Future<?>> acks = new ArrayList<>();
    for (String address : addresses) {
      acks.add(vertx.eventBus().request(address, notification.body(), options)
          .onFailure(e -> log.warn("Consumer {} did not acknowledge {} callback of {}/{}: {}", address,
              notification.category(), tenant.id(), user, e.getMessage())));
    }
    Future.join(acks).onComplete(all -> {
      if (all.succeeded()) {
        stats.countDelivered();
      } else {
        stats.countFailed();
      }
    });
  }

  private void reject(RoutingContext ctx, int status, String reason) {
    stats.countRejected();
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason);
    }
  }

  private static boolean sameToken(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }
}
