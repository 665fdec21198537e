package com.bunqconnector.cli;

import com.bunqconnector.callback.CallbackMaps;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.RuntimeUsers;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TenantKeys;
import com.bunqconnector.store.Database;
import com.bunqconnector.store.EntryCheck;
import com.bunqconnector.store.JdbcEntryStore;
import com.bunqconnector.store.ValueSeal;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapStoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the Vert.x instance a node runs on. A node that keeps state in memory and does not
 * cluster gets plain Vert.x. A node with durable state runs Hazelcast even alone (a member that
 * joins nobody), because its maps write through to the database with Hazelcast's map stores and
 * load back from it when it starts. A clustered node joins as {@code conf/cluster.xml} says.
 */
final class NodeVertx {

  private static final Logger log = LoggerFactory.getLogger(NodeVertx.class);

  /**
   * The maps that outlive the node: contexts, tenant key pairs, the callbacks accepted from bunq but
   * not yet acknowledged by every consumer, the dead letters, the keys of accepted callbacks (each
   * row lives for the dedupe window, see {@link JdbcEntryStore}), and the tenants' callback tokens
   * (sealed in their rows under the node's master key: in memory they are clear), and the users
   * added at run time (their API keys sealed).
   */
  static final List<String> DURABLE_MAPS = List.of(SessionStore.MAP_NAME, TenantKeys.MAP_NAME, CallbackMaps.PENDING,
      CallbackMaps.DEAD_LETTERS, CallbackMaps.DEDUPE, CallbackMaps.TOKENS, RuntimeUsers.MAP_NAME);

  /** How often a node deletes the rows of dedupe keys whose window is over. */
  static final long PURGE_EVERY_MS = 60_000;

  /** Expired rows deleted, at most, each {@link #PURGE_EVERY_MS}. */
  static final int PURGE_LIMIT = 10_000;

  private NodeVertx() {
  }

  /**
   * Blocks until Vert.x runs; call it from the main thread.
   *
   * @param database the durable store, or {@code null} to keep state in memory
   * @param box      the node's master key: stored rows it does not open are reported and not loaded
   */
  static Vertx start(NodeConfig node, Path conf, boolean cluster, Database database, SecretBox box) {
    if (!cluster && database == null) {
      return Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(20, node.workerPoolSize())));
    }
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    Config hazelcast = cluster ? clusterConfig(node, conf) : aloneConfig();
    JdbcEntryStore dedupe = database == null ? null : database.entryStore(CallbackMaps.DEDUPE, EntryCheck.ANY);
    if (database != null) {
      for (String map : DURABLE_MAPS) {
        ValueSeal seal = map.equals(CallbackMaps.TOKENS) ? sealed(map, box) : ValueSeal.NONE;
        Object store = map.equals(CallbackMaps.DEDUPE) ? dedupe : database.mapStore(map, check(map, box), seal);
        hazelcast.getMapConfig(map).setMapStoreConfig(new MapStoreConfig()
            .setEnabled(true)
            .setImplementation(store)
            .setWriteDelaySeconds(0)
            .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
      }
    }
    String host = cluster ? node.clusterHost() : "127.0.0.1";
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setWorkerPoolSize(Math.max(20, node.workerPoolSize()))
            .setEventBusOptions(new EventBusOptions().setHost(host).setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await();
    if (database != null) {
      load(vertx, database);
      purgePeriodically(vertx, dedupe);
    }
    return vertx;
  }

  /**
   * Deletes the rows of expired dedupe keys every {@link #PURGE_EVERY_MS} on a worker, a bounded number
   * each time: Hazelcast forgets an expired entry but leaves its row. Every node of a cluster does it;
   * a row deleted twice costs nothing.
   */
  private static void purgePeriodically(Vertx vertx, JdbcEntryStore dedupe) {
    vertx.setPeriodic(PURGE_EVERY_MS, timer -> vertx.executeBlocking(() -> dedupe.purgeExpired(PURGE_LIMIT))
        .onSuccess(deleted -> log.debug("Deleted {} expired rows of {}", deleted, CallbackMaps.DEDUPE))
        .onFailure(e -> log.warn("Cannot delete expired rows of {}; the next run tries again: {}",
            CallbackMaps.DEDUPE, e.getMessage())));
  }

  /** Seals each value of {@code map} in its row under the node's master key, bound to the map and key. */
  private static ValueSeal sealed(String map, SecretBox box) {
    return new ValueSeal() {
      @Override
      public String seal(String key, String value) {
        return box.seal(value, map + "#" + key);
      }

      @Override
      public String open(String key, String stored) {
        return box.open(stored, map + "#" + key);
      }
    };
  }

  /**
   * Loads the durable maps now, on the calling thread: with an eager initial load, Hazelcast's
   * {@code getMap} returns only once the map is loaded, and Vert.x calls it on the thread that asks
   * for the map, which must not be an event loop. Once loaded, later requests return at once.
   */
  private static void load(Vertx vertx, Database database) {
    for (String map : DURABLE_MAPS) {
      long started = System.nanoTime();
      int size = vertx.sharedData().<String, String>getAsyncMap(map).await().size().await();
      log.info("Loaded {} entries of {} from the {} in {} ms", size, map, database.description(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  /** What a stored row of {@code map} must pass to be loaded: it opens under the node's master key. */
  private static EntryCheck check(String map, SecretBox box) {
    if (map.equals(SessionStore.MAP_NAME)) {
      return (key, value) -> SessionStore.problem(box, key, value);
    }
    if (map.equals(TenantKeys.MAP_NAME)) {
      return (key, value) -> TenantKeys.problem(box, key, value);
    }
    if (map.equals(CallbackMaps.TOKENS)) {
      return NodeVertx::tokensProblem;
    }
    if (map.equals(RuntimeUsers.MAP_NAME)) {
      return (key, value) -> RuntimeUsers.problem(box, key, value);
    }
    return NodeVertx::jsonObjectProblem;
  }

  /** Stored callback tokens must be a JSON object with the current token. */
  private static String tokensProblem(String key, String value) {
    try {
      return new JsonObject(value).getValue("token") instanceof String ? null : "it has no current token";
    } catch (DecodeException | ClassCastException e) {
      return "it is not a JSON object";
    }
  }

  /** A stored callback event must at least be a JSON object with its arrival number. */
  private static String jsonObjectProblem(String key, String value) {
    try {
      return new JsonObject(value).getValue("seq") instanceof Number ? null : "it has no arrival number (seq)";
    } catch (DecodeException | ClassCastException e) {
      return "it is not a JSON object";
    }
  }

  static Config clusterConfig(NodeConfig node, Path conf) {
    Path file = ConfigLoader.resolve(conf, node.clusterConfigFile());
    try {
      return new FileSystemXmlConfig(file.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(node.file() + ": cluster.config: " + file + " does not exist", e);
    }
  }

  /** Vert.x's default Hazelcast configuration, on 127.0.0.1, joining no one. */
  private static Config aloneConfig() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("bunq-connector-alone-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // Only 127.0.0.1, not every address of the machine, which Hazelcast listens on by default.
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPortAutoIncrement(true).setPortCount(100)
        .getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    return config;
  }
}
