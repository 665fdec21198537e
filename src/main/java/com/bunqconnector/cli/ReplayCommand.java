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
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lists or replays dead letters (callbacks no consumer acknowledged after the last retry) by joining
 * the running cluster named in connector.json and asking a node over {@code bunq.admin}. Prints one
 * line per dead letter, or the number replayed.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "List (default) or replay the callbacks no consumer acknowledged, through the running cluster.")
final class ReplayCommand implements Callable<Integer> {

  private static final long ADMIN_TIMEOUT_MS = 30_000;

  @Option(names = "--conf", paramLabel = "DIR", description = "configuration directory (default: ${DEFAULT-VALUE})")
  Path conf = Path.of("conf");

  @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's dead letters")
  String tenant;

  @ArgGroup(exclusive = true)
  Choice choice;

  /** What to replay; listing when neither is given. */
  static final class Choice {
    @Option(names = "--id", paramLabel = "ID", description = "replay the dead letter with this event id")
    String id;

    @Option(names = "--all", description = "replay every dead letter (of --tenant, if given)")
    boolean all;
  }

  /** The member attribute in which Vert.x's Hazelcast cluster manager keeps the Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  @Override
  public Integer call() throws Exception {
    Vertx loader = Vertx.vertx();
    NodeConfig node;
    try {
      node = new ConfigLoader(loader).load(conf).await().node();
    } finally {
      loader.close().await();
    }
    if (!node.clusterEnabled()) {
      throw new IllegalStateException("replay reaches the running nodes through the cluster, but cluster.enabled is"
          + " false in " + node.file());
    }
    // A lite member holds no partitions: joining and leaving moves no data between the running nodes.
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
      JsonObject request = new JsonObject().put("action", choice == null ? "list-dead-letters"
          : choice.all ? "replay-all" : "replay");
      if (tenant != null) {
        request.put("tenant", tenant);
      }
      if (choice != null && choice.id != null) {
        request.put("id", choice.id);
      }
      JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request,
          new DeliveryOptions().setSendTimeout(ADMIN_TIMEOUT_MS)).await().body();
      print(reply);
      return 0;
    } finally {
      vertx.close().await();
      member.shutdown();
    }
  }

  private static void print(JsonObject reply) {
    if (reply.containsKey("replayed")) {
      System.out.println("replayed " + reply.getInteger("replayed"));
      return;
    }
    for (Object item : reply.getJsonArray("deadLetters")) {
      JsonObject letter = (JsonObject) item;
      System.out.println(letter.getString("id") + " " + letter.getString("tenant") + "/"
          + letter.getString("user", "-") + " " + letter.getString("category") + " "
          + letter.getString("eventType", "-") + " attempts=" + letter.getInteger("attempts") + " error="
          + letter.getString("lastError"));
    }
    System.out.println(reply.getJsonArray("deadLetters").size() + " dead letters");
  }
}
