package com.bunqconnector.cli;

import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.TenantKeys;
import com.bunqconnector.store.Database;
import com.bunqconnector.store.EntryCheck;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapStoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the Vert.x instance a node runs on. A node that keeps state in memory and does not
 * cluster gets plain Vert.x. A node with durable state runs Hazelcast even alone (a member that
 * joins nobody), because its maps write through to the database with Hazelcast's map stores and
 * load back from it when it starts. A clustered node joins as {@code conf/cluster.xml} says.
 */
final class NodeVertx {

  // TODO(#7) write callback dead letters and pending deliveries through as well, once they exist.
  /** The maps that outlive the node (contexts and tenant key pairs), with the check a stored row must pass. */
  static Map<String, EntryCheck> durableMaps(SecretBox box) {
    return Map.of(
        SessionStore.MAP_NAME, (key, value) -> SessionStore.problem(box, key, value),
        TenantKeys.MAP_NAME, (key, value) -> TenantKeys.problem(box, key, value));
  }

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
    if (database != null) {
      for (Map.Entry<String, EntryCheck> map : durableMaps(box).entrySet()) {
        hazelcast.getMapConfig(map.getKey()).setMapStoreConfig(new MapStoreConfig()
            .setEnabled(true)
            .setImplementation(database.mapStore(map.getKey(), map.getValue()))
            .setWriteDelaySeconds(0)
            .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
      }
    }
    String host = cluster ? node.clusterHost() : "127.0.0.1";
    return Vertx.builder()
        .with(new VertxOptions().setWorkerPoolSize(Math.max(20, node.workerPoolSize()))
            .setEventBusOptions(new EventBusOptions().setHost(host).setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await();
  }

  private static Config clusterConfig(NodeConfig node, Path conf) {
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
    config.getNetworkConfig().setPortAutoIncrement(true).setPortCount(100)
        .getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    return config;
  }
}
