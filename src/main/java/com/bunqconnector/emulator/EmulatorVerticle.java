package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the emulator's HTTP server, state (with a data directory also its state file and writer), web
 * client and crypto worker. Every request, timer and callback response runs on this verticle's single
 * event-loop context, so the state needs no locks.
 */
final class EmulatorVerticle extends VerticleBase {

  /** Largest request body accepted; larger ones get a 400 Error envelope. */
  static final long BODY_LIMIT_BYTES = 1024 * 1024;
  private static final String CRYPTO_POOL = "bunq-emulator-crypto";
  /** The one thread that loads and saves a durable emulator's state file. */
  private static final String STATE_POOL = "bunq-emulator-state";
  private static final Logger log = LoggerFactory.getLogger(EmulatorVerticle.class);
  /** How long a stop lets calls in flight finish before it closes their connections. */
  private static final long SHUTDOWN_GRACE_MS = 1_000;
  /** The answer to a call that comes in while the emulator stops (the emulator's text; bunq has no such case). */
  static final String SHUTTING_DOWN = "The emulator is shutting down; the call was not handled. Try again once it"
      + " is back.";

  private final EmulatorOptions options;
  private volatile int port;
  private HttpServer server;
  private CryptoWorker crypto;
  private ResourceModule resources;
  private volatile Faults faults;
  private volatile Seeder.Result seeded = new Seeder.Result(List.of(), List.of());
  private Durability durability = Durability.NONE;
  private WorkerExecutor stateWorker;
  /** Set when {@link #stop()} begins: from then on new calls are refused. */
  private volatile boolean stopping;

  EmulatorVerticle(EmulatorOptions options) {
    this.options = options;
  }

  int port() {
    return port;
  }

  /** Fault injection into this emulator; set once started. */
  Faults faults() {
    return faults;
  }

  /** What the seed created; empty until started. */
  Seeder.Result seeded() {
    return seeded;
  }

  /** The resources, for the Java API; touch them only inside {@link #call}. */
  ResourceModule resources() {
    return resources;
  }

  /**
   * Runs {@code action} (a change) on this verticle's context, where all emulator state lives; the
   * future completes there with its result once the change is saved, or fails with what it threw (an
   * {@link IllegalStateException} once the emulator stops).
   */
  <T> Future<T> call(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      if (stopping) {
        promise.fail(new IllegalStateException(SHUTTING_DOWN));
        return;
      }
      T result;
      try {
        result = action.get();
      } catch (RuntimeException e) {
        promise.fail(e);
        return;
      }
      durability.beforeAnswer(true).onComplete(saved -> promise.complete(result), promise::fail);
    });
    return promise.future();
  }

  @Override
  public Future<?> start() {
    crypto = new CryptoWorker(vertx, CRYPTO_POOL, options.getCryptoPoolSize());
    EmulatorState state = new EmulatorState(options.getClock());
    OauthRegistry oauth = new OauthRegistry(state);
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("bunq-emulator")
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.getCallbackTimeoutMs())));
    CredentialFaults credentials = new CredentialFaults(state, crypto);
    Guard guard = new Guard(state, crypto, credentials, options.isStrictSignatures());
    resources = new ResourceModule(vertx, client, state, options, guard);
    return prepareState(state, oauth).compose(v -> {
      Replies replies = new Replies(crypto, credentials, durability);
      Router router = Router.router(vertx);
      router.route().handler(ctx -> refuseWhileStopping(ctx, replies));
      router.route().handler(guard::identify);
      BodyHandler bodies = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
      // Bodies only where they belong: on a GET with a form Content-Type over HTTP/2, BodyHandler throws (a 500).
      // A body declared too large is refused here: after BodyHandler's own 413, a call whose answer is signed
      // (so sent a little later) got Vert.x's plain 413 page instead about every other time.
      router.route().handler(ctx -> {
        if (ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD) {
          ctx.next();
        } else if (declaredLength(ctx) > BODY_LIMIT_BYTES) {
          replies.fail(ctx, tooLarge());
        } else {
          bodies.handle(ctx);
        }
      });
      mountLimitsAndFaults(router, credentials, replies, guard);
      new AuthRoutes(state, options, guard, crypto, oauth).mount(router, replies);
      new Psd2Routes(state, guard, crypto).mount(router, replies);
      new OauthRoutes(state, oauth).mount(router, replies);
      new IdentityRoutes(state, oauth, guard).mount(router, replies);
      new UserRoutes(guard).mount(router, replies);
      resources.mount(router, replies);
      installErrorHandlers(router, replies);
      return vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort()))
          .requestHandler(router)
          .invalidRequestHandler(EmulatorVerticle::refuseUnreadable)
          .listen();
    }).onSuccess(s -> {
      server = s;
      port = s.actualPort();
      log.info("bunq emulator listening on {}:{}", options.getHost(), port);
    }).recover(e -> {
      // Report the failure only once the workers are closed: a caller that closes Vert.x on it must not
      // leave a worker task (the crypto pool's provider choice) finishing into a closed event loop.
      resources.close();
      return durability.close().eventually(this::closeWorkers).transform(closed -> Future.failedFuture(e));
    });
  }

  /**
   * Without a data directory: applies the seed. With one: loads the saved state on a worker thread
   * (or, for a directory without state, applies the seed) and saves it before the first call is
   * served, so that a fresh directory's seeded users are on disk too.
   */
  private Future<Void> prepareState(EmulatorState state, OauthRegistry oauth) {
    if (options.getDataDir() == null) {
      seeded = Seeder.apply(options.getSeed(), options, state, oauth);
      return Future.succeededFuture();
    }
    StateFile file = new StateFile(options.getDataDir());
    stateWorker = vertx.createSharedWorkerExecutor(STATE_POOL, 1);
    return stateWorker.executeBlocking(() -> {
      try {
        return ChangeLog.open(file, state, oauth, resources.store(), ChangeLog.COMPACT_MINIMUM);
      } catch (RuntimeException e) {
        file.close();
        throw e;
      }
    }).compose(opened -> {
      try {
        return save(state, oauth, opened);
      } catch (RuntimeException e) {
        return stateWorker.executeBlocking(() -> {
          file.close();
          return null;
        }).transform(v -> Future.failedFuture(e));
      }
    });
  }

  /**
   * Seeds a fresh directory's state (a loaded one is kept as it is) and saves it, then resumes the
   * callbacks a loaded state holds.
   */
  private Future<Void> save(EmulatorState state, OauthRegistry oauth, ChangeLog.Opened opened) {
    Optional<Seeder.Result> restored = opened.restored();
    if (restored.isPresent()) {
      seeded = restored.get();
      log.info("Loaded the emulator state from {} ({} users); the seed is not applied again", opened.log().path(),
          state.users().size());
    } else {
      seeded = Seeder.apply(options.getSeed(), options, state, oauth);
      log.info("No emulator state in {} yet: seeded a fresh one", options.getDataDir());
    }
    StateWriter writer = new StateWriter(state, oauth, resources.store(), seeded, opened.compactFirst());
    durability = Durability.of(context, stateWorker, state, writer, opened.log());
    state.onChange(durability::schedule);
    state.changed();
    return durability.settled().onSuccess(v -> resources.durable(durability));
  }

  /**
   * Stops in this order: new calls are refused with a 503 Error envelope, calls in flight get up to
   * {@link #SHUTDOWN_GRACE_MS} to be answered (then their connections close), callbacks stop, the last
   * changes are saved (a call still waiting for them gets a 503), and the workers close.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.shutdown(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
    return closed.eventually(() -> {
      resources.close();
      return durability.close();
    }).eventually(this::closeWorkers).onComplete(v -> log.info("bunq emulator on port {} stopped", port));
  }

  /** Answers a call that arrives while the emulator stops with a 503 at once, and closes its connection. */
  private void refuseWhileStopping(RoutingContext ctx, Replies replies) {
    if (!stopping) {
      ctx.next();
      return;
    }
    replies.addIdHeaders(ctx);
    ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(Envelopes.error(SHUTTING_DOWN, ctx.request().getHeader(Replies.LANGUAGE)).toBuffer());
  }

  private Future<Void> closeWorkers() {
    Future<Void> state = stateWorker == null ? Future.succeededFuture() : stateWorker.close();
    return state.eventually(crypto::close);
  }

  /**
   * Fault injection (admin endpoint outside {@code /v1}), then, for every {@code /v1} call in this
   * order: injected faults, rate limits, request-id reuse, strict signatures, revoked API keys.
   */
  private void mountLimitsAndFaults(Router router, CredentialFaults credentials, Replies replies, Guard guard) {
    RateLimiter limiter = new RateLimiter(options.getRateLimits(), options.getClock(), replies);
    RequestIds requestIds = new RequestIds(options.getClock(), options.getRequestIdTtlSeconds(), replies);
    FaultInjector injector = new FaultInjector(limiter, replies);
    faults = new Faults(context, injector, credentials);
    new FaultRoutes(injector, credentials).mount(router);
    router.route("/v1/*").handler(injector::handle);
    router.route("/v1/*").handler(limiter::handle);
    router.route("/v1/*").handler(requestIds::handle);
    router.route("/v1/*").handler(ctx -> guard.strictSignature(ctx)
        .onComplete(ok -> ctx.next(), failure -> replies.fail(ctx, failure)));
    router.route("/v1/*").handler(ctx -> {
      try {
        guard.refuseRevokedKeys(ctx);
      } catch (ApiError e) {
        replies.fail(ctx, e);
        return;
      }
      ctx.next();
    });
  }

  private static void installErrorHandlers(Router router, Replies replies) {
    router.errorHandler(404, ctx -> replies.fail(ctx, ApiError.notFound(
        "The requested URL " + ctx.request().path() + " was not found.")));
    router.errorHandler(405, ctx -> replies.fail(ctx, new ApiError(405,
        "Method " + ctx.request().method() + " is not allowed for " + ctx.request().path() + ".")));
    router.errorHandler(413, ctx -> replies.fail(ctx, tooLarge()));
    router.errorHandler(400, ctx -> replies.fail(ctx, ApiError.badRequest("The request could not be read.")));
    router.errorHandler(500, ctx -> replies.fail(ctx, failure(ctx)));
  }

  /**
   * Answers a request HTTP itself could not read (a request line or headers too long, a malformed
   * header) with bunq's Error envelope rather than an empty body, with the status HTTP gives it, and
   * closes the connection: what follows on it cannot be trusted to start a request. Not signed: no
   * installation can be told from a request that was not read.
   */
  private static void refuseUnreadable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String text = switch (status) {
      case 414 -> "The request line is longer than the emulator reads.";
      case 431 -> "The request headers are larger than the emulator reads.";
      default -> "The request could not be read as HTTP.";
    };
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close").end(Envelopes.error(text, null).toBuffer());
  }

  private static ApiError tooLarge() {
    return ApiError.badRequest("The request body is larger than the limit of " + BODY_LIMIT_BYTES + " bytes.");
  }

  /** The call's Content-Length; -1 when it has none or one that is not a number. */
  private static long declaredLength(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Throwable failure(RoutingContext ctx) {
    return ctx.failure() != null ? ctx.failure() : new IllegalStateException("request failed without a cause");
  }
}
