package com.bunqconnector.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Clustered Vert.x nodes on 127.0.0.1 for tests: a Hazelcast XML file joined under a cluster name. */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  /** A node of the cluster {@code clusterName}, configured by {@code xml} (such as conf/cluster.xml). */
  public static Vertx join(Path xml, String clusterName) throws Exception {
    Config hazelcast;
    try {
      hazelcast = new FileSystemXmlConfig(xml.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(xml + " does not exist", e);
    }
    hazelcast.setClusterName(clusterName);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await(60, TimeUnit.SECONDS);
  }
}
