package com.bunqconnector.cli;

import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.CallLimiter;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.RetryPolicy;
import com.bunqconnector.api.SessionPacer;
import com.bunqconnector.config.CallPathConfig;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TenantKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What a node's calls to bunq and its contexts go through, wired from the node configuration: the
 * crypto pool, the HTTP client, the cluster-wide rate limiter, retries, session pacing, the context
 * factory, the {@code bunq.sessions} store and the session manager. {@link ConnectorNode} runs on one,
 * and so does {@code bench contexts}, so that what it measures is the node's own path.
 */
final class SessionPath {

  final CryptoWorker crypto;
  final HttpClient web;
  final CallLimiter limiter;
  final BunqHttp http;
  final SessionPacer pacer;
  final ContextFactory factory;
  final SessionStore store;
  final SessionManager sessions;

  SessionPath(Vertx vertx, NodeConfig node, SecretBox secrets) {
    crypto = new CryptoWorker(vertx, CryptoWorker.DEFAULT_POOL_NAME, node.workerPoolSize());
    CallPathConfig calls = node.callPath();
    web = vertx.createHttpClient(httpOptions(calls),
        new PoolOptions().setHttp1MaxSize(calls.poolSize()).setHttp2MaxSize(calls.poolSize()));
    NodeConfig.PacingConfig pacing = node.pacing();
    limiter = limiter(vertx, pacing.egressGroup(), calls.rateLimits());
    CallPathConfig.RetryConfig retry = calls.retry();
    http = new BunqHttp(vertx, web, crypto, node.requestTimeoutMs(), BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, limiter,
        new RetryPolicy(retry.maxAttempts(), retry.baseDelayMs(), retry.maxDelayMs(), retry.deadlineMs()));
    pacer = pacing.enabled()
        ? SessionPacer.of(vertx, pacing.egressGroup(), pacing.intervalMs(), pacing.maxWaitMs(), Clock.systemUTC())
        : SessionPacer.unpaced();
    factory = new ContextFactory(http, crypto, Clock.systemUTC(), pacer, new TenantKeys(vertx, secrets));
    store = new SessionStore(vertx, secrets);
    sessions = new SessionManager(store, factory);
  }

  /** Closes the HTTP client and the crypto pool. */
  Future<Void> close() {
    web.close();
    return crypto.close();
  }

  private static HttpClientOptions httpOptions(CallPathConfig calls) {
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout(calls.connectTimeoutMs())
        .setKeepAlive(true)
        .setKeepAliveTimeout(calls.keepAliveSeconds());
    if (calls.http2()) {
      options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false)
          .setHttp2KeepAliveTimeout(calls.keepAliveSeconds());
    }
    return options;
  }

  private static CallLimiter limiter(Vertx vertx, String egressGroup, CallPathConfig.RateLimitConfig config) {
    if (!config.enabled()) {
      return CallLimiter.unlimited();
    }
    Map<HttpMethod, CallLimiter.Limit> limits = new HashMap<>();
    config.limits().forEach((method, limit) ->
        limits.put(HttpMethod.valueOf(method), new CallLimiter.Limit(limit.calls(), limit.windowMs())));
    return CallLimiter.of(vertx, egressGroup, limits, config.marginMs(), config.maxWaitMs(), config.maxQueued(),
        Clock.systemUTC());
  }
}
