package com.bunqconnector.cli;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Asks the running cluster named in a configuration directory for one {@code bunq.admin} action, for
 * the commands that administer a running node ({@code replay}, {@code users}): it joins the cluster as
 * a Hazelcast lite member, which holds no partitions, so joining and leaving moves no data between the
 * running nodes; sends the request to a node; and leaves.
 */
final class AdminClient {

  private static final long ADMIN_TIMEOUT_MS = 30_000;

  /** The member attribute in which Vert.x's Hazelcast cluster manager keeps the Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private AdminClient() {
  }

  /**
   * The node's reply to {@code request}.
   *
   * @param command the command asking, for the messages
   * @throws IllegalStateException when clustering is off in the configuration or no node runs
   * @throws IllegalArgumentException when the node refuses the request, with the node's message
   */
  static JsonObject request(String command, Path conf, JsonObject request) {
    Vertx loader = Vertx.vertx();
    NodeConfig node;
    try {
      node = new ConfigLoader(loader).load(conf).await().node();
    } finally {
      loader.close().await();
    }
    if (!node.clusterEnabled()) {
      throw new IllegalStateException(command + " reaches the running nodes through the cluster, but cluster.enabled"
          + " is false in " + node.file());
    }
    Config hazelcast = NodeVertx.clusterConfig(node, conf).setLiteMember(true);
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    // Vert.x finds its node id in this member attribute on a Hazelcast instance it did not create itself.
    hazelcast.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID, UUID.randomUUID().toString());
    HazelcastInstance member = Hazelcast.newHazelcastInstance(hazelcast);
    if (member.getCluster().getMembers().stream().allMatch(Member::isLiteMember)) {
      member.shutdown();
      throw new IllegalStateException("no running node of cluster '" + hazelcast.getClusterName() + "' was found"
          + " (" + node.clusterConfigFile() + " says where to look): start a node first, or check its members");
    }
    Vertx vertx;
    try {
      vertx = Vertx.builder()
          .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(node.clusterHost()).setPort(0)))
          .withClusterManager(new HazelcastClusterManager(member))
          .buildClustered()
          .await();
    } catch (RuntimeException e) {
      member.shutdown();
      throw e;
    }
    try {
      return vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request,
          new DeliveryOptions().setSendTimeout(ADMIN_TIMEOUT_MS)).await().body();
    } catch (ReplyException e) {
      if (e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new IllegalStateException("no node answered " + Addresses.ADMIN + " (" + e.failureType()
          .name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): " + e.getMessage(), e);
    } finally {
      vertx.close().await();
      member.shutdown();
    }
  }
}
