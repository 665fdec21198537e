package com.bunqconnector.cli;

import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.session.SessionContext;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
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

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--conf", paramLabel = "DIR", description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
      description = "stop by itself after this long: 500ms, 30s, 5m, 2h or PT1H (default: until interrupted)")
  Duration duration;

  @Option(names = "--cluster", description = "join the Hazelcast cluster whatever connector.json says")
  boolean cluster;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() {
    Thread hook = new Thread(this::interrupted, "bunq-connector-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return execute().errors() == 0 ? 0 : EXIT_ERRORS;
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
    } catch (ConfigException e) {
      throw new IllegalStateException("configuration rejected: " + e.getMessage(), e);
    } finally {
      loader.close().await();
    }
    Vertx vertx = startVertx(config.node());
    Summary summary;
    try {
      summary = runJob(vertx, config);
    } finally {
      vertx.close().await();
    }
    System.out.println(summary.line());
    return summary;
  }

  private Summary runJob(Vertx vertx, ConnectorConfig config) {
    String emulatorUrl = null;
    if (needsEmbeddedEmulator(config)) {
      BunqEmulator emulator = BunqEmulator.start(vertx, emulatorOptions(config.node())).await();
      emulatorUrl = emulator.baseUrl();
      log.info("Embedded bunq emulator at {}", emulatorUrl);
    }
    ConnectorNode node = ConnectorNode.start(vertx, config, emulatorUrl).await();
    DemoConsumerVerticle consumer = new DemoConsumerVerticle(consumerAddresses(config));
    vertx.deployVerticle(consumer).await();
    DemoJobVerticle job = new DemoJobVerticle(node, config.node().demo());
    if (config.node().demo().enabled()) {
      vertx.deployVerticle(job).await();
    }
    log.info("Running{}; interrupt to stop", duration == null ? "" : " for " + duration);
    awaitStop();
    log.info("Stopping");
    job.stopPayments().timeout(30, TimeUnit.SECONDS).otherwiseEmpty().await();
    job.settle(node.callbackStats(), 10_000).await();
    Summary summary = summarise(config, node, job);
    node.close().await();
    return summary;
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
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(node.clusterHost()).setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await();
  }

  private static EmulatorOptions emulatorOptions(NodeConfig node) {
    EmulatorOptions options;
    try {
      options = new EmulatorOptions(node.emulator());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(node.file() + ": emulator: " + e.getMessage(), e);
    }
    Set<String> known = options.toJson().fieldNames();
    for (String key : node.emulator().fieldNames()) {
      if (!known.contains(key)) {
        throw new ConfigException(node.file() + ": emulator." + key + ": is not a known field; known here: "
            + new TreeSet<>(known) + " and embedded, baseUrl");
      }
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
    return new Summary(config.tenants().size(), config.userCount(), sessions,
        node.contexts().installationsCreated(), node.contexts().sessionsCreated(), job.payments(),
        callbacks.received(), callbacks.delivered(),
        job.errors() + callbacks.failed() + callbacks.unrouted() + callbacks.rejected());
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
