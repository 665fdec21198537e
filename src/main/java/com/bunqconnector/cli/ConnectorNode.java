package com.bunqconnector.cli;

import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.SessionPacer;
import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.ApiVerticle;
import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.callback.CallbackVerticle;
import com.bunqconnector.callback.FilterRegistrar;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TenantKeys;
import com.bunqconnector.session.UserSpec;
import com.bunqconnector.session.Warmup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connector node wired from its configuration: the crypto pool, the bunq client, the
 * session manager, the {@code bunq.api} verticles and the callback endpoint.
 */
public final class ConnectorNode {

  private final Vertx vertx;
  private final ConnectorConfig config;
  private final CryptoWorker crypto;
  private final HttpClient web;
  private final SessionPacer pacer;
  private final ContextFactory factory;
  private final SessionStore store;
  private final SessionManager sessions;
  private final BunqClient client;
  private final CallbackStats callbackStats = new CallbackStats();
  private Warmup warmup;
  private CallbackVerticle callbacks;
  private FilterRegistrar filters;

  private ConnectorNode(Vertx vertx, ConnectorConfig config, SecretBox secrets, String emulatorBaseUrl) {
    this.vertx = vertx;
    this.config = config;
    NodeConfig node = config.node();
    this.crypto = new CryptoWorker(vertx, CryptoWorker.DEFAULT_POOL_NAME, node.workerPoolSize());
    this.web = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout(Math.min(node.requestTimeoutMs(), 10_000))
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
    BunqHttp http = new BunqHttp(vertx, web, crypto, node.requestTimeoutMs(), BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    NodeConfig.PacingConfig pacing = node.pacing();
    this.pacer = pacing.enabled()
        ? SessionPacer.of(vertx, pacing.egressGroup(), pacing.intervalMs(), pacing.maxWaitMs(), Clock.systemUTC())
        : SessionPacer.unpaced();
    this.factory = new ContextFactory(http, crypto, Clock.systemUTC(), pacer, new TenantKeys(vertx, secrets));
    this.store = new SessionStore(vertx, secrets);
    this.sessions = new SessionManager(store, factory);
    sessions.onEvent(event -> vertx.eventBus().publish(Addresses.SESSION_EVENTS, event));
    this.client = new BunqClient(sessions, http);
    for (TenantConfig tenant : config.tenants()) {
      String baseUrl = baseUrl(tenant, node, emulatorBaseUrl);
      for (UserConfig user : tenant.users().values()) {
        sessions.register(new UserSpec(tenant.id(), user.id(), baseUrl, user.apiKey(), user.permittedIps(),
            tenant.environment().createsSandboxUsers(), tenant.keyPerTenant()));
      }
    }
  }

  /**
   * Wires and starts a node.
   *
   * @param secrets         the box that seals secrets under the node's master key
   * @param emulatorBaseUrl base URL of the embedded emulator, or {@code null} when none runs
   */
  public static Future<ConnectorNode> start(Vertx vertx, ConnectorConfig config, SecretBox secrets,
      String emulatorBaseUrl) {
    ConnectorNode node;
    try {
      node = new ConnectorNode(vertx, config, secrets, emulatorBaseUrl);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return node.deploy().map(node);
  }

  private Future<Void> deploy() {
    NodeConfig node = config.node();
    Map<String, TenantConfig> tenants = new LinkedHashMap<>();
    config.tenants().forEach(tenant -> tenants.put(tenant.id(), tenant));
    callbacks = new CallbackVerticle(tenants, node.httpHost(), node.httpPort(), node.callbackBodyLimit(),
        node.callbacks(), callbackStats, client);
    callbacks.registerFiltersWith(tenant -> filters.registerAll(tenant));
    Future<String> api = vertx.deployVerticle(() -> new ApiVerticle(client),
        new DeploymentOptions().setInstances(node.apiInstances()));
    return api.compose(id -> vertx.deployVerticle(callbacks))
        .map(id -> {
          filters = new FilterRegistrar(vertx, client, publicBaseUrl(node));
          NodeConfig.WarmupConfig warm = node.warmup();
          if (warm.enabled()) {
            warmup = new Warmup(vertx, sessions, warm.concurrency(), warm.progressEveryMs());
            warmup.start();
          }
          return null;
        });
  }

  private String publicBaseUrl(NodeConfig node) {
    if (node.publicBaseUrl() != null) {
      return node.publicBaseUrl();
    }
    String host = "0.0.0.0".equals(node.httpHost()) ? "127.0.0.1" : node.httpHost();
    return "http://" + host + ":" + callbacks.actualPort();
  }

  private static String baseUrl(TenantConfig tenant, NodeConfig node, String emulatorBaseUrl) {
    if (tenant.baseUrl() != null) {
      return tenant.baseUrl();
    }
    if (tenant.environment() != Environment.EMULATOR) {
      return tenant.environment().baseUrl();
    }
    String emulator = emulatorBaseUrl != null ? emulatorBaseUrl : node.emulatorBaseUrl();
    if (emulator == null) {
      throw new ConfigException(tenant.file() + ": environment: emulator, but no emulator runs: set emulator.embedded"
          + " or emulator.baseUrl in " + node.file() + ", or baseUrl in the tenant file");
    }
    return emulator;
  }

  public ConnectorConfig config() {
    return config;
  }

  public BunqClient client() {
    return client;
  }

  public SessionManager sessions() {
    return sessions;
  }

  public SessionStore store() {
    return store;
  }

  public ContextFactory contexts() {
    return factory;
  }

  /** The warm-up started with the node, or {@code null} when warmup.enabled is false. */
  public Warmup warmup() {
    return warmup;
  }

  public SessionPacer pacer() {
    return pacer;
  }

  public CallbackStats callbackStats() {
    return callbackStats;
  }

  public FilterRegistrar filters() {
    return filters;
  }

  /** The port of the callback endpoint. */
  public int callbackPort() {
    return callbacks.actualPort();
  }

  /** Releases the node's own resources; verticles stop with Vert.x. */
  public Future<Void> close() {
    web.close();
    return crypto.close();
  }
}
