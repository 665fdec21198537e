package com.bunqconnector.cli;

import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.CallLimiter;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.SessionPacer;
import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.ApiVerticle;
import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.callback.CallbackVerticle;
import com.bunqconnector.callback.FilterRegistrar;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.TenantWatcher;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.RuntimeUsers;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.Warmup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connector node wired from its configuration: the crypto pool, the bunq client, the
 * session manager, the {@code bunq.api} verticles, the callback endpoint and the watcher of the tenant
 * files ({@link LiveTenants}). It starts only if its master key opens the contexts already in the
 * {@code bunq.sessions} map (when there are any).
 */
public final class ConnectorNode {

  /** Stored contexts tried at start to check that the master key opens them. */
  static final int MASTER_KEY_SAMPLE = 20;

  private final Vertx vertx;
  private final ConnectorConfig config;
  private final SessionPath path;
  private final SessionPacer pacer;
  private final CallLimiter limiter;
  private final ContextFactory factory;
  private final SessionStore store;
  private final SessionManager sessions;
  private final BunqClient client;
  private final CallbackStats callbackStats = new CallbackStats();
  private final LiveTenants tenants;
  private TenantWatcher watcher;
  private Warmup warmup;
  private CallbackVerticle callbacks;
  private FilterRegistrar filters;
  private Future<Map<String, JsonObject>> filtersRegistered = Future.succeededFuture(Map.of());

  private ConnectorNode(Vertx vertx, ConnectorConfig config, SecretBox secrets, String emulatorBaseUrl,
      String emulatorBunq) {
    this.vertx = vertx;
    this.config = config;
    NodeConfig node = config.node();
    this.path = new SessionPath(vertx, node, secrets);
    this.pacer = path.pacer;
    this.limiter = path.limiter;
    this.factory = path.factory;
    this.store = path.store;
    this.sessions = path.sessions;
    sessions.onEvent(event -> vertx.eventBus().publish(Addresses.SESSION_EVENTS, event));
    this.client = new BunqClient(sessions, path.http);
    this.tenants = new LiveTenants(vertx, node, emulatorBaseUrl, emulatorBunq, sessions,
        new RuntimeUsers(vertx, secrets));
    config.tenants().forEach(tenants::serve);
  }

  /**
   * Wires and starts a node.
   *
   * @param secrets         the box that seals secrets under the node's master key
   * @param emulatorBaseUrl base URL of the embedded emulator, or {@code null} when none runs
   */
  public static Future<ConnectorNode> start(Vertx vertx, ConnectorConfig config, SecretBox secrets,
      String emulatorBaseUrl) {
    String emulatorBunq = emulatorBaseUrl == null ? null : "emulator " + emulatorBaseUrl;
    return start(vertx, config, secrets, emulatorBaseUrl, emulatorBunq);
  }

  /**
   * Wires and starts a node whose embedded emulator has the identity {@code emulatorBunq}: stored
   * contexts of the embedded emulator's users are kept across restarts as long as it stays the same,
   * whatever port the emulator listens on.
   *
   * @param emulatorBaseUrl base URL of the embedded emulator, or {@code null} when none runs
   * @param emulatorBunq    which emulator it is (see {@link com.bunqconnector.session.UserSpec#bunq()})
   */
  public static Future<ConnectorNode> start(Vertx vertx, ConnectorConfig config, SecretBox secrets,
      String emulatorBaseUrl, String emulatorBunq) {
    ConnectorNode node;
    try {
      node = new ConnectorNode(vertx, config, secrets, emulatorBaseUrl, emulatorBunq);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return node.deploy().map(node);
  }

  private Future<Void> deploy() {
    NodeConfig node = config.node();
    callbacks = new CallbackVerticle(tenants.served(), node.httpHost(), node.httpPort(), node.callbackBodyLimit(),
        node.callbacks(), callbackStats, client);
    callbacks.registerFiltersWith(tenant -> filters.registerAll(tenant));
    callbacks.manageUsersWith(tenants);
    return store.checkMasterKey(MASTER_KEY_SAMPLE)
        .compose(checked -> tenants.serveRuntimeUsers())
        .compose(checked -> vertx.deployVerticle(() -> new ApiVerticle(client),
            new DeploymentOptions().setInstances(node.apiInstances())))
        .compose(id -> vertx.deployVerticle(callbacks))
        .map(id -> {
          filters = new FilterRegistrar(vertx, client, publicBaseUrl(node), node.callbacks().tokenGraceMs());
          tenants.useFilters(filters);
          NodeConfig.WarmupConfig warm = node.warmup();
          if (warm.enabled()) {
            warmup = new Warmup(vertx, sessions, warm.concurrency(), warm.progressEveryMs());
            warmup.start();
          }
          filtersRegistered = registerFilters();
          watcher = new TenantWatcher(vertx, new ConfigLoader(vertx), ConfigLoader.confDir(node), node,
              config.tenants(), tenants::check, tenants::apply);
          watcher.start();
          return null;
        });
  }

  /**
   * Registers every tenant's callback filters for each of its users, in the background: bunq must
   * know where to send the callbacks before there are any. Users that fail are retried by the
   * registrar and then reported; they can be registered later with the admin action
   * {@code register-filters}.
   */
  private Future<Map<String, JsonObject>> registerFilters() {
    Map<String, JsonObject> reports = new ConcurrentHashMap<>();
    List<Future<?>> registrations = new ArrayList<>();
    for (TenantConfig tenant : tenants.served().values()) {
      registrations.add(filters.registerAll(tenant).onSuccess(report -> {
        reports.put(tenant.id(), report);
        LiveTenants.logReport(tenant, report);
      }));
    }
    return Future.join(registrations).otherwiseEmpty().map(all -> Map.copyOf(reports));
  }

  /**
   * Completes when the start's registration of callback filters has ended, with each tenant's report
   * {@code {"registered":[users],"failed":{user: reason}}}.
   */
  public Future<Map<String, JsonObject>> filtersRegistered() {
    return filtersRegistered;
  }

  private String publicBaseUrl(NodeConfig node) {
    if (node.publicBaseUrl() != null) {
      return node.publicBaseUrl();
    }
    String host = "0.0.0.0".equals(node.httpHost()) ? "127.0.0.1" : node.httpHost();
    return "http://" + host + ":" + callbacks.actualPort();
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

  /** The rate limiter of this node's calls to bunq. */
  public CallLimiter limiter() {
    return limiter;
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

  /** The watcher of the tenant files, once the node runs. */
  public TenantWatcher tenantWatcher() {
    return watcher;
  }

  /** The tenants the node serves now, by id, with every user each serves. */
  public Map<String, TenantConfig> tenants() {
    return Map.copyOf(tenants.served());
  }

  /** Releases the node's own resources; verticles stop with Vert.x. */
  public Future<Void> close() {
    if (watcher != null) {
      watcher.stop();
    }
    return path.close();
  }
}
