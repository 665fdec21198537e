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
import com.bunqconnector.session.SessionContext;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--conf", paramLabel = "DIR", description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
      description = "stop by itself this long after the demo's first payments: 500ms, 30s, 5m, 2h or PT1H"
          + " (default: run until interrupted)")
  Duration duration;

  @Option(names = "--cluster", description = "join the Hazelcast cluster whatever connector.json says")
  boolean cluster;

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
    SecretBox secrets = MasterKeys.resolve(config.node(), conf, System::getenv);
    Vertx vertx = startVertx(config.node());
    Summary summary;
    try {
      summary = runJob(vertx, config, secrets);
    } finally {
      vertx.close().await();
    }
    System.out.println(summary.line());
    return summary;
  }

  private Summary runJob(Vertx vertx, ConnectorConfig config, SecretBox secrets) {
    String emulatorUrl = null;
    if (needsEmbeddedEmulator(config)) {
      EmulatorOptions options = emulatorOptions(config.node());
      BunqEmulator emulator = BunqEmulator.start(vertx, options)
          .recover(e -> Future.failedFuture(new IllegalStateException("the embedded emulator cannot listen on "
              + options.getHost() + ":" + options.getPort() + ": " + e.getMessage(), e)))
          .await();
      emulatorUrl = emulator.baseUrl();
      log.info("Embedded bunq emulator at {}", emulatorUrl);
    }
    ConnectorNode node = ConnectorNode.start(vertx, config, secrets, emulatorUrl).await();
    DemoConsumerVerticle consumer = new DemoConsumerVerticle(consumerAddresses(config));
    vertx.deployVerticle(consumer).await();
    DemoJobVerticle job = new DemoJobVerticle(node, config.node().demo());
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

  private Vertx startVertx(NodeConfig node) {
    if (!cluster && !node.clusterEnabled()) {
      return Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(20, node.workerPoolSize())));
    }
    return clustered(conf, node, false);
  }

  /**
   * A clustered Vert.x joined to the Hazelcast cluster that connector.json names; a lite member holds
   * no partitions (for short-lived tools such as {@code replay}).
   */
  static Vertx clustered(Path conf, NodeConfig node, boolean liteMember) {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    Path file = ConfigLoader.resolve(conf, node.clusterConfigFile());
    Config hazelcast;
    try {
      hazelcast = new FileSystemXmlConfig(file.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(node.file() + ": cluster.config: " + file + " does not exist", e);
    }
    hazelcast.setLiteMember(liteMember);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(node.clusterHost()).setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await();
  }

  /**
   * The embedded emulator's options from connector.json. Field names and types are checked against
   * the emulator's own defaults, so a misspelt or mistyped option is named instead of ignored.
   */
  private static EmulatorOptions emulatorOptions(NodeConfig node) {
    JsonObject defaults = new EmulatorOptions().toJson();
    for (String key : node.emulator().fieldNames()) {
      Object value = node.emulator().getValue(key);
      if (!defaults.containsKey(key)) {
        throw new ConfigException(node.file() + ": emulator." + key + ": is not a known field; known here: "
            + new TreeSet<>(defaults.fieldNames()) + " and embedded, baseUrl");
      }
      Object example = defaults.getValue(key);
      boolean whole = value instanceof Integer || value instanceof Long;
      if (example instanceof Number ? !whole : example instanceof String && !(value instanceof String)) {
        throw new ConfigException(node.file() + ": emulator." + key + ": must be "
            + (example instanceof Number ? "a whole number" : "a string") + ", was " + value);
      }
    }
    EmulatorOptions options;
    try {
      options = new EmulatorOptions(node.emulator());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(node.file() + ": emulator: " + e.getMessage(), e);
    }
    return options;
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
    List<Future<SessionContext>> contexts = new ArrayList<>();
    for (TenantConfig tenant : config.tenants()) {
      for (String user : tenant.users().keySet()) {
        contexts.add(node.store().get(SessionContext.key(tenant.id(), user)));
      }
    }
    Future.join(contexts).await();
    long now = System.currentTimeMillis();
    int sessions = (int) contexts.stream()
        .filter(f -> f.succeeded() && f.result() != null && f.result().expiresAt() > now)
        .count();
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
