package com.bunqconnector.cli;

import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.store.Database;
import com.bunqconnector.store.PrivateFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: starts the embedded emulator (when a tenant uses it), the connector and a demo
 * consumer; opens every user's session, registers callbacks, makes payments between the demo
 * users and logs the callbacks that reach the consumer. Runs until interrupted, or for
 * {@code --duration}, then prints a one-line summary as its last line.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the connector with the demo job (the main job).")
final class RunCommand implements Callable<Integer> {

  /** Exit code of a run that ended with errors in its summary. */
  static final int EXIT_ERRORS = 3;

  private static final int DEMO_READY_TIMEOUT_MINUTES = 5;

  /** The file in the embedded emulator's data directory that holds its identity. */
  static final String IDENTITY_FILE = "connector-identity";

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--conf", paramLabel = "DIR", description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
      description = "stop by itself this long after the demo's first payments: 500ms, 30s, 5m, 2h or PT1H"
          + " (default: run until interrupted)")
  Duration duration;

  @Option(names = "--cluster", description = "join the Hazelcast cluster whatever connector.json says (needs"
      + " store.type postgresql or memory, and a configured master key)")
  boolean cluster;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "directory of the node's durable state (default: store.dataDir of connector.json, ./data)")
  Path dataDir;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  /** Counted down when the demo has made its first round of payments, or when a stop is requested. */
  private final CountDownLatch demoReady = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() {
    Thread hook = new Thread(this::interrupted, "bunq-connector-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return execute().errors() == 0 ? 0 : EXIT_ERRORS;
    } catch (ConfigException e) {
      throw new IllegalStateException("configuration rejected: " + e.getMessage(), e);
    } finally {
      finished.countDown();
      removeHook(hook);
    }
  }

  private Summary execute() {
    Vertx loader = Vertx.vertx();
    ConnectorConfig config;
    try {
      config = new ConfigLoader(loader).load(conf).await();
    } finally {
      loader.close().await();
    }
    if (dataDir != null) {
      config = new ConnectorConfig(config.node().withDataDir(dataDir.toString()), config.tenants());
    }
    NodeConfig node = config.node();
    boolean clustered = cluster || node.clusterEnabled();
    NodeConfig.StoreConfig store = node.store();
    if (clustered && store.type() == NodeConfig.StoreType.EMBEDDED) {
      throw new ConfigException(node.file() + ": store.type: a cluster's nodes share one store; use postgresql (or"
          + " memory, which loses every context when the last node stops), not embedded");
    }
    Path data = Path.of(store.dataDir());
    SecretBox secrets = MasterKeys.resolve(node, conf, System::getenv, clustered,
        store.type() == NodeConfig.StoreType.EMBEDDED ? data : null);
    Database database = openStore(store, data);
    Summary summary;
    try {
      if (database != null) {
        SessionStore.checkMasterKey(secrets, database.sample(SessionStore.MAP_NAME, ConnectorNode.MASTER_KEY_SAMPLE),
            database.count(SessionStore.MAP_NAME));
      }
      Vertx vertx = NodeVertx.start(node, conf, clustered, database, secrets);
      try {
        summary = runJob(vertx, config, secrets);
      } finally {
        vertx.close().await();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
    System.out.println(summary.line());
    return summary;
  }

  /** The durable store the configuration names, opened, or {@code null} for state in memory. */
  private static Database openStore(NodeConfig.StoreConfig store, Path data) {
    return switch (store.type()) {
      case MEMORY -> null;
      case EMBEDDED -> Database.embedded(data);
      case POSTGRESQL -> Database.postgresql(store.url(), store.user(), store.password());
    };
  }

  private Summary runJob(Vertx vertx, ConnectorConfig config, SecretBox secrets) {
    String emulatorUrl = null;
    String emulatorBunq = null;
    if (needsEmbeddedEmulator(config)) {
      // The one place where the embedded emulator gets its options and its identity. With durable state it keeps
      // its own state in <data-dir>/emulator (unless emulator.dataDir names another directory), so it is the same
      // bunq from run to run (and wherever the directory moves) and the contexts stored with it stay valid; in
      // memory, every run is a new bunq.
      EmulatorOptions options = emulatorOptions(config.node());
      if (options.getDataDir() == null && config.node().store().persistent()) {
        options.setDataDir(Path.of(config.node().store().dataDir(), "emulator"));
      }
      emulatorBunq = options.getDataDir() != null
          ? "embedded emulator " + emulatorIdentity(config.node(), options.getDataDir())
          : "embedded emulator of run " + UUID.randomUUID().toString().substring(0, 8);
      BunqEmulator emulator = BunqEmulator.start(vertx, options)
          .recover(e -> Future.failedFuture(new IllegalStateException("the embedded emulator cannot "
              + (isBindFailure(e) ? "listen on " + options.getHost() + ":" + options.getPort() : "start") + ": "
              + e.getMessage(), e)))
          .await();
      emulatorUrl = emulator.baseUrl();
      log.info("Embedded bunq emulator at {}", emulatorUrl);
    }
    ConnectorNode node = ConnectorNode.start(vertx, config, secrets, emulatorUrl, emulatorBunq).await();
    DemoConsumerVerticle consumer = new DemoConsumerVerticle(consumerAddresses(config));
    vertx.deployVerticle(consumer).await();
    DemoJobVerticle job = new DemoJobVerticle(node, config.node().demo());
    if (duration != null) {
      long roundMs = config.node().demo().paymentRoundSeconds() * 1000L;
      job.maxRounds((duration.toMillis() + roundMs - 1) / roundMs);
    }
    boolean demo = config.node().demo().enabled();
    if (demo) {
      vertx.deployVerticle(job).await();
      job.firstRound().onComplete(done -> demoReady.countDown());
      awaitDemoReady();
    }
    log.info("Running{}; interrupt to stop", duration == null ? "" : " for " + duration);
    awaitStop();
    log.info("Stopping");
    if (demo) {
      job.stopPayments().timeout(30, TimeUnit.SECONDS).otherwiseEmpty().await();
      job.settle(node.callbackStats(), 10_000).await();
    }
    Summary summary = summarise(config, node, job);
    node.close().await();
    return summary;
  }

  /**
   * The identity of the durable embedded emulator whose state is in {@code dir}: a random UUID kept
   * in {@value #IDENTITY_FILE} there, made once (atomically: a file that exists is complete). It
   * moves with the directory, so a data directory moved or copied elsewhere keeps its contexts.
   */
  private static String emulatorIdentity(NodeConfig node, Path dir) {
    Path file = dir.resolve(IDENTITY_FILE).toAbsolutePath();
    try {
      PrivateFiles.createOnce(file, UUID.randomUUID() + "\n");
      String identity = Files.readString(file, StandardCharsets.US_ASCII).strip();
      try {
        return UUID.fromString(identity).toString();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(node.file() + ": emulator: the emulator identity file " + file + " holds no UUID;"
            + " restore it, or delete it to make every stored context of the embedded emulator be replaced", e);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException(node.file() + ": emulator: cannot read or create the emulator identity file " + file
          + ": " + e.getMessage(), e);
    }
  }

  /** --duration counts from here: sessions opened, callbacks registered, first payments made. */
  private void awaitDemoReady() {
    try {
      if (!demoReady.await(DEMO_READY_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        log.warn("The demo was not ready after {} minutes; running on", DEMO_READY_TIMEOUT_MINUTES);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitStop() {
    try {
      if (duration == null) {
        stopRequested.await();
      } else {
        stopRequested.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void interrupted() {
    stopRequested.countDown();
    demoReady.countDown();
    try {
      finished.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down (the hook is running): nothing to remove.
    }
  }

  /**
   * The embedded emulator's options from connector.json. Field names and types are checked against
   * the emulator's own defaults (nested objects too, but the seed, which checks itself), so a
   * misspelt, mistyped or out-of-range option is named with its value instead of ignored or
   * misread.
   */
  private static EmulatorOptions emulatorOptions(NodeConfig node) {
    checkFields(node, "emulator.", new EmulatorOptions().toJson(), node.emulator());
    EmulatorOptions options;
    try {
      options = new EmulatorOptions(node.emulator());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(node.file() + ": emulator: " + e.getMessage(), e);
    }
    return options;
  }

  private static void checkFields(NodeConfig node, String prefix, JsonObject defaults, JsonObject given) {
    for (String key : given.fieldNames()) {
      Object value = given.getValue(key);
      String field = node.file() + ": " + prefix + key + ": ";
      if (!defaults.containsKey(key)) {
        throw new ConfigException(field + "is not a known field; known here: " + new TreeSet<>(defaults.fieldNames())
            + ("emulator.".equals(prefix) ? " and embedded, baseUrl" : ""));
      }
      Object example = defaults.getValue(key);
      String problem = null;
      if (example instanceof Integer) {
        problem = value instanceof Integer ? null
            : value instanceof Long ? "must be a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
            : "must be a whole number";
      } else if (example instanceof Long) {
        problem = value instanceof Integer || value instanceof Long ? null : "must be a whole number";
      } else if (example instanceof String) {
        problem = value instanceof String ? null : "must be a string";
      } else if (example instanceof Boolean) {
        problem = value instanceof Boolean ? null : "must be true or false";
      } else if (example instanceof JsonObject nested) {
        if (!(value instanceof JsonObject object)) {
          problem = "must be an object";
        } else if (!"seed".equals(key)) {
          checkFields(node, prefix + key + ".", nested, object);
        }
      }
      if (problem != null) {
        Object shown = value instanceof String ? "\"" + value + "\"" : value;
        throw new ConfigException(field + problem + ", was " + shown);
      }
    }
  }

  /** Whether a start failed because the address was taken, anywhere in its causes. */
  static boolean isBindFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = cause.getMessage();
      if (cause instanceof BindException || message != null && message.contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static boolean needsEmbeddedEmulator(ConnectorConfig config) {
    return config.node().emulatorEmbedded() && config.tenants().stream()
        .anyMatch(t -> t.environment() == Environment.EMULATOR && t.baseUrl() == null);
  }

  private static Set<String> consumerAddresses(ConnectorConfig config) {
    Set<String> addresses = new LinkedHashSet<>();
    for (TenantConfig tenant : config.tenants()) {
      tenant.consumers().values().forEach(addresses::addAll);
    }
    return addresses;
  }

  private static Summary summarise(ConnectorConfig config, ConnectorNode node, DemoJobVerticle job) {
    List<Future<Boolean>> usable = new ArrayList<>();
    for (TenantConfig tenant : config.tenants()) {
      for (String user : tenant.users().keySet()) {
        usable.add(node.sessions().isUsable(tenant.id(), user));
      }
    }
    Future.join(usable).await();
    int sessions = (int) usable.stream().filter(f -> f.succeeded() && f.result()).count();
    CallbackStats callbacks = node.callbackStats();
    long missing = Math.max(0, job.expectedCallbacks() - callbacks.received());
    if (missing > 0) {
      log.error("{} callbacks that the demo's payments should have caused never arrived", missing);
    }
    return new Summary(config.tenants().size(), config.userCount(), sessions,
        node.contexts().installationsCreated(), node.contexts().sessionsCreated(), job.payments(),
        callbacks.received(), callbacks.delivered(),
        job.errors() + callbacks.failed() + callbacks.unrouted() + callbacks.rejected() + missing);
  }

  /** The figures the main job ends with. */
  record Summary(int tenants, int users, int sessions, long installationsCreated, long sessionsCreated,
      long payments, long callbacksReceived, long callbacksDelivered, long errors) {

    String line() {
      return "summary: tenants=" + tenants + " users=" + users + " sessions=" + sessions
          + " installations_created=" + installationsCreated + " sessions_created=" + sessionsCreated
          + " payments=" + payments + " callbacks_received=" + callbacksReceived
          + " callbacks_delivered=" + callbacksDelivered + " errors=" + errors;
    }
  }
}
