package com.bunqconnector.callback;

import com.bunqconnector.api.BunqClient;
import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint bunq posts callbacks to, {@code POST /callbacks/<tenant>/<token>[?user=<user>]}.
 * A callback from an allowed source network with the tenant's token and a {@code NotificationUrl}
 * body is stored in the cluster ({@link EventStore}: a duplicate is recognised there) and queued
 * for its user's delivery, on this node or the one that delivers the user's events, and only then
 * answered 200 (so an event bunq sends after it cannot overtake it); the {@link Deliverer} sends it
 * to every consumer address the tenant names for its category, at least once. A source outside the
 * environment's networks gets 403, an unknown tenant, token or user 404, a bad body 400, an
 * oversized one 413, a store that cannot be written 503 (bunq retries). The node also serves
 * {@link Addresses#ADMIN}. Nothing a request carries can make the handler throw.
 */
public final class CallbackVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CallbackVerticle.class);

  /** The path prefix of callback URLs. */
  public static final String PATH_PREFIX = "/callbacks/";

  /** Seconds a connection may stay silent before it is closed: a stalled client holds nothing for long. */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  /** How long a callback request may take from its headers to the end of its body. */
  static final long BODY_DEADLINE_MS = 10_000;

  /** Where {@link #screen} leaves the tenant for the handlers after the body is read. */
  private static final String TENANT_KEY = "callback.tenant";

  private final Map<String, TenantConfig> tenants;
  private final String host;
  private final int port;
  private final int bodyLimit;
  private final CallbackConfig config;
  private final CallbackStats stats;
  private final BunqClient client;
  private final SourceCheck sources;
  private Function<TenantConfig, Future<JsonObject>> registrar;
  private UserAdmin users;
  private CallbackTokens tokens;
  private EventStore store;
  private Deliverer deliverer;
  private MessageConsumer<Object> admin;
  private HttpServer server;

  /**
   * @param tenants the tenants by id, read at each request and delivery: a map the node changes while it
   *                runs (tenant files are watched) takes effect at once
   * @param client  the bunq client for verify-by-fetch, or {@code null} when no tenant verifies callbacks
   */
  public CallbackVerticle(Map<String, TenantConfig> tenants, String host, int port, int bodyLimit,
      CallbackConfig config, CallbackStats stats, BunqClient client) {
    this.tenants = tenants;
    this.host = host;
    this.port = port;
    this.bodyLimit = bodyLimit;
    this.config = config;
    this.stats = stats;
    this.client = client;
    this.sources = new SourceCheck(config);
  }

  /**
   * How a tenant's users' filters are registered with bunq ({@link FilterRegistrar#registerAll}): run by
   * the register-filters admin action and after a token rotation, whose reply then carries the report
   * as {@code registration}. Set before the verticle is deployed.
   */
  public void registerFiltersWith(Function<TenantConfig, Future<JsonObject>> action) {
    this.registrar = action;
  }

  /** Who serves the admin actions on users added at run time ({@code add-user}, ...). Set before deploying. */
  public void manageUsersWith(UserAdmin admin) {
    this.users = admin;
  }

  /** The port the endpoint listens on, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    tokens = new CallbackTokens(vertx, config.tokenGraceMs());
    store = new EventStore(vertx, config.dedupeWindowMs());
    deliverer = new Deliverer(vertx, store, tenants::get, config, stats,
        client == null ? null : new FetchVerifier(client));
    CallbackAdmin handler = new CallbackAdmin(tenants, store, deliverer, tokens, registrar, users);
    admin = vertx.eventBus().consumer(Addresses.ADMIN, handler::handle);
    return tokens.init(tenants.values())
        .compose(done -> store.restoreSequence())
        .compose(done -> deliverer.start())
        .compose(done -> admin.completion())
        .compose(done -> listen());
  }

  private Future<?> listen() {
    Router router = Router.router(vertx);
    router.post(PATH_PREFIX + ":tenant/:token")
        .handler((PlatformHandler) this::screen)
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::receive)
        .failureHandler(ctx -> {
          if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
            stats.countRejected();
            log.debug("Callback client went away before its request ended");
          } else {
            ctx.next();
          }
        });
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
    if (deliverer != null) {
      deliverer.stop();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Checks what can be checked before the body is read: the tenant, the source network, and the
   * content type (bunq posts JSON; anything else is refused, so that no form or multipart decoder
   * ever runs on what a stranger sends). A refused request's body is never buffered.
   */
  private void screen(RoutingContext ctx) {
    TenantConfig tenant = tenants.get(ctx.pathParam("tenant"));
    if (tenant == null) {
      log.warn("Rejected callback from {}: unknown tenant", ctx.request().remoteAddress());
      reject(ctx, 404, "not found");
      return;
    }
    SocketAddress peer = ctx.request().remoteAddress();
    InetSocketAddress source = sources.source(peer == null ? null : peer.hostAddress(),
        ctx.request().headers().getAll("X-Forwarded-For"));
    if (!sources.allowed(tenant.environment(), source)) {
      log.warn("Rejected callback for tenant {} from {}: not in the allowed networks of the {} environment",
          tenant.id(), source == null ? peer : source.getAddress().getHostAddress(), tenant.environment().id());
      reject(ctx, 403, "forbidden");
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.isEmpty() && !mime.equals("application/json") && !mime.endsWith("+json")
        && !mime.equals("text/plain")) {
      reject(ctx, 415, "callbacks are JSON (Content-Type application/json), not " + mime);
      return;
    }
    ctx.put(TENANT_KEY, tenant);
    // bunq posts a small body at once; a peer that trickles one in holds a connection, so it gets a deadline.
    long deadline = vertx.setTimer(BODY_DEADLINE_MS, id -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        log.warn("Closed a callback request for tenant {} from {}: its body took longer than {} ms", tenant.id(),
            peer, BODY_DEADLINE_MS);
        stats.countRejected();
        ctx.request().connection().close();
      }
    });
    ctx.addEndHandler(done -> vertx.cancelTimer(deadline));
    ctx.next();
  }

  private void receive(RoutingContext ctx) {
    TenantConfig tenant = ctx.get(TENANT_KEY);
    tokens.accepts(tenant, ctx.pathParam("token")).onComplete(check -> {
      if (check.failed()) {
        log.warn("Cannot check callback token of tenant {}: {}", tenant.id(), check.cause().getMessage());
        reject(ctx, 503, "try again later");
      } else if (!check.result()) {
        log.warn("Rejected callback for tenant {} from {}: wrong token", tenant.id(), ctx.request().remoteAddress());
        reject(ctx, 404, "not found");
      } else {
        checked(ctx, tenant);
      }
    });
  }

  private void checked(RoutingContext ctx, TenantConfig tenant) {
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
    if (tenant.consumersFor(notification.category()).isEmpty()) {
      stats.countUnrouted();
      log.warn("No consumer for {} callback of tenant {} (user {}); configure callbacks.{} or callbacks.*",
          notification.category(), tenant.id(), user, notification.category());
      ctx.response().setStatusCode(200).end();
      return;
    }
    store.accept(tenant.id(), user, notification, ctx.body().asString()).onComplete(stored -> {
      if (stored.failed()) {
        log.warn("Cannot store {} callback of {}/{}; bunq will retry: {}", notification.category(), tenant.id(),
            user, stored.cause().getMessage());
        reject(ctx, 503, "the event could not be stored; try again");
        return;
      }
      if (stored.result() == null) {
        stats.countDuplicate();
        ctx.response().setStatusCode(200).end();
        return;
      }
      stats.countReceived();
      deliverer.accepted(stored.result()).onComplete(queued -> ctx.response().setStatusCode(200).end());
    });
  }

  private void reject(RoutingContext ctx, int status, String reason) {
    stats.countRejected();
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason);
    }
  }
}
