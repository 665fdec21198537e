package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.callback.CallbackVerticle;
import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay subcommand against a running clustered node on 127.0.0.1: it lists the node's dead
 * letter and replays it to a consumer that now acknowledges.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayCommandTest {

  private static final String TOKEN = "replay-token-0123456789abcdef";

  @TempDir
  Path conf;

  /** Runs the command line as {@code main} would; returns what it printed, asserting it exited 0. */
  static String run(String... args) {
    return runExiting(0, args);
  }

  /** Runs the command line as {@code main} would; returns what it printed, asserting its exit code. */
  static String runExiting(int code, String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    StringWriter err = new StringWriter();
    try {
      CommandLine command = Main.commandLine();
      command.setErr(new PrintWriter(err, true));
      assertThat(command.execute(args)).as(err.toString()).isEqualTo(code);
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsADeadLetterOfTheRunningClusterAndReplaysIt() throws Exception {
    TestClusters cluster = TestClusters.create();
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("cluster.xml"), cluster.xml());
    Files.writeString(conf.resolve("connector.json"), "{\"cluster\": {\"enabled\": true}}");
    Files.writeString(conf.resolve("tenants/acme.json"),
        "{\"id\": \"acme\", \"users\": [{\"id\": \"alice\"}], \"callbacks\": {\"PAYMENT\": [\"test.replay\"]}}");
    Vertx vertx = cluster.join();
    try {
      AtomicInteger acked = new AtomicInteger();
      Promise<Void> refused = Promise.promise();
      Promise<Void> replayed = Promise.promise();
      vertx.eventBus().consumer("test.replay", message -> {
        if (!refused.future().isComplete()) {
          message.fail(500, "consumer is down");
          refused.complete();
        } else {
          acked.incrementAndGet();
          message.reply("ack");
          replayed.tryComplete();
        }
      });
      TenantConfig acme = new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, TOKEN,
          Map.of("alice", new UserConfig("alice", null, List.of())), Map.of("PAYMENT", List.of("test.replay")), false);
      CallbackConfig defaults = CallbackConfig.defaults();
      CallbackStats stats = new CallbackStats();
      CallbackVerticle endpoint = new CallbackVerticle(Map.of("acme", acme), "127.0.0.1", 0, 64 * 1024,
          new CallbackConfig(defaults.allowedNetworks(), List.of(), 60_000, 1, 10, 10, 1_000, 5_000, 1_000, 0), stats,
          null);
      vertx.deployVerticle(endpoint).await(30, TimeUnit.SECONDS);
      String body = new JsonObject().put("NotificationUrl", new JsonObject().put("category", "PAYMENT")
          .put("event_type", "PAYMENT_CREATED").put("object", new JsonObject().put("Payment",
              new JsonObject().put("id", 77).put("updated", "2026-12-04 02:00:00.000000")))).encode();
      int status = WebClient.create(vertx).post(endpoint.actualPort(), "127.0.0.1", "/callbacks/acme/" + TOKEN
          + "?user=alice").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body))
          .await(30, TimeUnit.SECONDS).statusCode();
      assertThat(status).isEqualTo(200);
      refused.future().await(30, TimeUnit.SECONDS);
      Promise<Void> buried = Promise.promise();
      vertx.setPeriodic(20, id -> {
        if (stats.failed() == 1) {
          vertx.cancelTimer(id);
          buried.tryComplete();
        }
      });
      buried.future().await(30, TimeUnit.SECONDS);

      String listing = run("replay", "--conf", conf.toString());
      assertThat(listing).contains("acme/alice PAYMENT PAYMENT_CREATED attempts=1 error=test.replay:")
          .contains("1 dead letters");
      assertThat(run("replay", "--conf", conf.toString(), "--all", "--tenant", "acme")).contains("replayed 1");
      replayed.future().await(30, TimeUnit.SECONDS);
      assertThat(acked).hasValue(1);
      assertThat(run("replay", "--conf", conf.toString())).contains("0 dead letters");
      StringWriter err = new StringWriter();
      CommandLine command = Main.commandLine();
      command.setErr(new PrintWriter(err, true));
      assertThat(command.execute("replay", "--conf", conf.toString(), "--id", "nosuch")).isEqualTo(1);
      assertThat(err.toString().strip()).isEqualTo("bunq-connector: no dead letter has the id 'nosuch' (replayed"
          + " already, or never one); `replay` lists them");
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void withNoNodeRunningItSaysSoInOneLine() throws Exception {
    TestClusters cluster = TestClusters.create();
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("cluster.xml"), cluster.xml());
    Files.writeString(conf.resolve("connector.json"), "{\"cluster\": {\"enabled\": true}}");
    Files.writeString(conf.resolve("tenants/acme.json"), "{\"id\": \"acme\", \"users\": [{\"id\": \"alice\"}]}");
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setErr(new PrintWriter(err, true));
    assertThat(command.execute("replay", "--conf", conf.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bunq-connector: no running node of cluster '")
        .contains("start a node first").doesNotContain("\n");
  }
}
