package com.bunqconnector.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The node, read from {@code conf/connector.json}: where it listens, which bunq it talks to by
 * default, whether it clusters, and the embedded emulator's settings.
 *
 * @param file               the file it was read from, for messages
 * @param environment        the default environment of tenants that name none
 * @param httpHost           host the callback endpoint binds to
 * @param httpPort           port the callback endpoint binds to; 0 picks a free port
 * @param publicBaseUrl      the base URL bunq reaches the callback endpoint at, or {@code null} to use the bound
 *                           address (right only for the emulator)
 * @param callbackBodyLimit  largest callback body accepted, in bytes
 * @param emulatorEmbedded   whether {@code run} starts an emulator in the same process
 * @param emulatorBaseUrl    base URL of a standalone emulator when not embedded
 * @param emulator           the embedded emulator's options, as JSON
 * @param clusterEnabled     whether the node joins a Hazelcast cluster
 * @param clusterConfigFile  Hazelcast XML configuration used when clustering
 * @param clusterHost        address the clustered event bus binds to
 * @param workerPoolSize     threads of the crypto worker pool
 * @param apiInstances       instances of the {@code bunq.api} verticle
 * @param requestTimeoutMs   timeout of one HTTP request to bunq
 * @param tenantsDir         directory of tenant files, relative to the configuration directory
 * @param tenantsPollMs      how often the tenants directory is read for added, changed or removed files; 0 does
 *                           not watch it
 * @param demo               settings of the demo job of {@code run}
 * @param masterKey          where the master key that seals secrets comes from
 * @param pacing             how {@code session-server} calls are spaced for this node's egress IP group
 * @param warmup             whether and how the node prepares every user's context when it starts
 * @param store              where the node's durable state lives
 * @param callPath           the HTTP client, retries and rate limits of calls to bunq
 * @param callbacks          callback source checks, dedupe and delivery retries
 */
public record NodeConfig(String file, Environment environment, String httpHost, int httpPort, String publicBaseUrl,
    int callbackBodyLimit, boolean emulatorEmbedded, String emulatorBaseUrl, JsonObject emulator,
    boolean clusterEnabled, String clusterConfigFile, String clusterHost, int workerPoolSize, int apiInstances,
    int requestTimeoutMs, String tenantsDir, int tenantsPollMs, DemoConfig demo, MasterKeyConfig masterKey,
    PacingConfig pacing, WarmupConfig warmup, StoreConfig store, CallPathConfig callPath, CallbackConfig callbacks) {

  /**
   * Where the node's master key comes from: the environment variable {@code env} if it is set,
   * else the file {@code file} (relative to the configuration directory), else, if
   * {@code ephemeral}, a random key that lives as long as the node (contexts then do not outlive
   * it, and a cluster cannot share them).
   */
  public record MasterKeyConfig(String env, String file, boolean ephemeral) {
  }

  /** Settings of the demo job that {@code run} drives against the configured users. */
  public record DemoConfig(boolean enabled, int paymentRoundSeconds, String amount) {
  }

  /**
   * Pacing of {@code session-server} calls, shared by every node of the egress IP group (nodes
   * that leave bunq through the same public IP address must name the same group).
   *
   * @param enabled        false only for a bunq stand-in without limits
   * @param egressGroup    name of the group of nodes that share one public IP address
   * @param intervalMs     time between two calls of the group; bunq allows one per 30 s
   * @param maxWaitMs      longest a caller waits for its slot before it fails as rate-limited
   */
  public record PacingConfig(boolean enabled, String egressGroup, long intervalMs, long maxWaitMs) {
  }

  /**
   * The warm-up that prepares every configured user's context in the background at start.
   *
   * @param enabled         whether the node warms up at all (contexts are then made on first use)
   * @param concurrency     users prepared at the same time
   * @param progressEveryMs how often progress is logged
   */
  public record WarmupConfig(boolean enabled, int concurrency, long progressEveryMs) {
  }

  /** Where a node keeps the state that must outlive it. */
  public enum StoreType {
    /** In memory only: a full stop loses every context. */
    MEMORY,
    /** An embedded H2 database file under the data directory: one node, nothing to set up. */
    EMBEDDED,
    /** A PostgreSQL database shared by the nodes of a cluster. */
    POSTGRESQL;

    /** The name used in connector.json. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Where the contexts and tenant keys live beyond the life of the node.
   *
   * @param type     memory, embedded (the default) or postgresql
   * @param dataDir  the node's data directory, relative to the working directory: the embedded database, a
   *                 generated master key, the embedded emulator's state
   * @param url      the JDBC URL of the PostgreSQL database ({@code jdbc:postgresql://host:5432/name})
   * @param user     the PostgreSQL user
   * @param password the PostgreSQL password (usually a {@code ${ENV}} reference); never printed
   */
  public record StoreConfig(StoreType type, String dataDir, String url, String user, String password) {

    /** Whether the state outlives the node. */
    public boolean persistent() {
      return type != StoreType.MEMORY;
    }

    /** A printable form without the password. */
    @Override
    public String toString() {
      return "StoreConfig[" + type.id() + ", dataDir=" + dataDir + (url == null ? "" : ", url=" + url + ", user="
          + user) + "]";
    }
  }

  /** The environment variable read for the master key unless masterKey.env names another. */
  public static final String DEFAULT_MASTER_KEY_ENV = "BUNQ_CONNECTOR_MASTER_KEY";

  /** How often the tenants directory is read unless tenantsPollMs says otherwise. */
  public static final int DEFAULT_TENANTS_POLL_MS = 2_000;

  private static final Pattern URL = Pattern.compile("https?://[^\\s/?#]+(/[^\\s?#]*)?");

  /**
   * A node configuration from JSON that refers to no environment variables, as {@code connector.json}
   * would hold it, for a node wired in code (such as a benchmark's).
   *
   * @param description what the JSON is, for error messages (in place of a file name)
   * @throws ConfigException naming the field when the JSON is not a valid node configuration
   */
  public static NodeConfig of(String description, JsonObject json) {
    return parse(description, json, name -> null);
  }

  static NodeConfig parse(String file, JsonObject json, Function<String, String> env) {
    JsonFields root = new JsonFields(file, "", json, env);
    root.allowOnly(Set.of("environment", "http", "publicBaseUrl", "callbackBodyLimit", "emulator", "cluster",
        "workerPoolSize", "apiInstances", "requestTimeoutMs", "tenantsDir", "tenantsPollMs", "demo", "masterKey",
        "pacing", "warmup", "store", "client", "retry", "rateLimits", "callbacks"));
    StoreConfig store = store(root.object("store"));
    JsonFields warmup = root.object("warmup");
    warmup.allowOnly(Set.of("enabled", "concurrency", "progressEveryMs"));
    JsonFields pacing = root.object("pacing");
    pacing.allowOnly(Set.of("enabled", "egressGroup", "intervalMs", "maxWaitMs"));
    String egressGroup = pacing.string("egressGroup", "default");
    if (!egressGroup.matches("[A-Za-z0-9._-]{1,64}")) {
      throw pacing.error("egressGroup", "must be 1 to 64 letters, digits, '.', '_' or '-', was "
          + ConfigException.quote(egressGroup));
    }
    JsonFields masterKey = root.object("masterKey");
    masterKey.allowOnly(Set.of("env", "file", "ephemeral"));
    Environment environment = Environment.parse(file, "environment", root.string("environment", "emulator"));
    JsonFields http = root.object("http");
    http.allowOnly(Set.of("host", "port"));
    String httpHost = http.string("host", "127.0.0.1");
    if (httpHost.isBlank()) {
      throw http.error("host", "must not be empty (127.0.0.1, 0.0.0.0 or a host name)");
    }
    String publicBaseUrl = url(root, "publicBaseUrl");
    JsonFields emulator = root.object("emulator");
    JsonFields cluster = root.object("cluster");
    cluster.allowOnly(Set.of("enabled", "config", "host"));
    JsonFields demo = root.object("demo");
    demo.allowOnly(Set.of("enabled", "paymentRoundSeconds", "amount"));
    String amount = demo.string("amount", "1.00");
    if (!amount.matches("\\d{1,6}\\.\\d{2}") || amount.equals("0.00")) {
      throw demo.error("amount", "must be a positive amount with two decimals such as 1.00, was "
          + ConfigException.quote(amount));
    }
    return new NodeConfig(
        file,
        environment,
        httpHost,
        http.integer("port", 0, 0, 65535),
        stripSlash(publicBaseUrl),
        root.integer("callbackBodyLimit", 64 * 1024, 1024, 16 * 1024 * 1024),
        emulator.bool("embedded", true),
        stripSlash(url(emulator, "baseUrl")),
        emulatorOptions(json),
        cluster.bool("enabled", false),
        cluster.string("config", "cluster.xml"),
        cluster.string("host", "127.0.0.1"),
        root.integer("workerPoolSize", 4, 1, 256),
        root.integer("apiInstances", 2, 1, 64),
        root.integer("requestTimeoutMs", 30_000, 100, 600_000),
        root.string("tenantsDir", "tenants"),
        root.integer("tenantsPollMs", DEFAULT_TENANTS_POLL_MS, 0, 3_600_000),
        new DemoConfig(demo.bool("enabled", true), demo.integer("paymentRoundSeconds", 10, 1, 86_400), amount),
        new MasterKeyConfig(masterKey.string("env", DEFAULT_MASTER_KEY_ENV), masterKey.string("file", null),
            masterKey.bool("ephemeral", false)),
        new PacingConfig(pacing.bool("enabled", true), egressGroup,
            pacing.integer("intervalMs", 30_000, 1, 3_600_000), pacing.integer("maxWaitMs", 120_000, 0, 86_400_000)),
        new WarmupConfig(warmup.bool("enabled", true), warmup.integer("concurrency", 4, 1, 256),
            warmup.integer("progressEveryMs", 5_000, 100, 3_600_000)),
        store,
        CallPathConfig.parse(root),
        CallbackConfig.parse(root.object("callbacks")));
  }

  /** This configuration with its data directory replaced, for {@code --data-dir}. */
  public NodeConfig withDataDir(String dataDir) {
    return new NodeConfig(file, environment, httpHost, httpPort, publicBaseUrl, callbackBodyLimit, emulatorEmbedded,
        emulatorBaseUrl, emulator, clusterEnabled, clusterConfigFile, clusterHost, workerPoolSize, apiInstances,
        requestTimeoutMs, tenantsDir, tenantsPollMs, demo, masterKey, pacing, warmup,
        new StoreConfig(store.type(), dataDir, store.url(), store.user(), store.password()), callPath, callbacks);
  }

  private static StoreConfig store(JsonFields store) {
    store.allowOnly(Set.of("type", "dataDir", "url", "user", "password"));
    String typeName = store.string("type", StoreType.EMBEDDED.id());
    StoreType type = null;
    for (StoreType candidate : StoreType.values()) {
      if (candidate.id().equals(typeName)) {
        type = candidate;
      }
    }
    if (type == null) {
      throw store.error("type", "must be embedded (a database file under dataDir), postgresql (a database shared"
          + " by a cluster) or memory, was " + ConfigException.quote(typeName));
    }
    String dataDir = store.string("dataDir", "data");
    if (dataDir.isBlank()) {
      throw store.error("dataDir", "must not be empty");
    }
    String url = store.string("url", null);
    String user = store.string("user", null);
    String password = store.string("password", null);
    if (type == StoreType.POSTGRESQL) {
      if (url == null || !url.startsWith("jdbc:postgresql://")) {
        throw store.error("url", url == null ? "is missing (type postgresql needs jdbc:postgresql://host:5432/db)"
            : "must be a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.com:5432/connector, was "
            + ConfigException.quote(url));
      }
      if (user == null || user.isBlank()) {
        throw store.error("user", "is missing (type postgresql)");
      }
    } else {
      for (String field : new String[] {"url", "user", "password"}) {
        if (store.has(field)) {
          throw store.error(field, "applies to type postgresql only, the type is " + type.id());
        }
      }
    }
    return new StoreConfig(type, dataDir, url, user, password);
  }

  private static String url(JsonFields fields, String key) {
    String url = fields.string(key, null);
    if (url != null && !URL.matcher(url).matches()) {
      throw fields.error(key, "must be an http(s) URL such as https://connector.example.com, was "
          + ConfigException.quote(url));
    }
    return url;
  }

  private static JsonObject emulatorOptions(JsonObject json) {
    JsonObject emulator = json.getJsonObject("emulator", new JsonObject()).copy();
    emulator.remove("embedded");
    emulator.remove("baseUrl");
    return emulator;
  }

  private static String stripSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
