package com.bunqconnector.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hazelcast settings for a test cluster: {@code conf/cluster.xml} (the shipped loopback
 * configuration) under a cluster name of its own and on a block of free ports of its own (the
 * TCP-IP join tries the ports of that block on 127.0.0.1), so that other builds on the same
 * machine, whose members also start at 5701, are never scanned, joined or waited for.
 */
public final class TestClusters {

  /** Ports of one test cluster: room for its members. */
  private static final int PORTS = 8;

  private final String xml;

  private TestClusters(String xml) {
    this.xml = xml;
  }

  /** A new cluster: a random name and a free block of ports on 127.0.0.1. */
  public static TestClusters create() {
    int base = freeBlock();
    String shipped;
    try {
      shipped = Files.readString(Path.of("conf", "cluster.xml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String xml = replaceOnce(shipped, "<cluster-name>bunq-connector</cluster-name>",
        "<cluster-name>bunq-test-" + UUID.randomUUID() + "</cluster-name>");
    xml = replaceOnce(xml, "<port auto-increment=\"true\" port-count=\"20\">5701</port>",
        "<port auto-increment=\"true\" port-count=\"" + PORTS + "\">" + base + "</port>");
    return new TestClusters(xml);
  }

  /** The cluster's Hazelcast XML, for a node configured through a {@code cluster.config} file. */
  public String xml() {
    return xml;
  }

  /** A fresh configuration of a member of the cluster. */
  public Config config() {
    return new InMemoryXmlConfig(xml);
  }

  /** A Vert.x node that has joined the cluster, its event bus on 127.0.0.1. */
  public Vertx join() throws Exception {
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(config()))
        .buildClustered()
        .await(60, TimeUnit.SECONDS);
  }

  private static String replaceOnce(String text, String from, String to) {
    if (!text.contains(from)) {
      throw new IllegalStateException("conf/cluster.xml no longer contains " + from + ": update TestClusters");
    }
    return text.replace(from, to);
  }

  private static int freeBlock() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      if (allFree(base)) {
        return base;
      }
    }
    throw new IllegalStateException("no block of " + PORTS + " free ports found on 127.0.0.1");
  }

  private static boolean allFree(int base) {
    for (int port = base; port < base + PORTS; port++) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
