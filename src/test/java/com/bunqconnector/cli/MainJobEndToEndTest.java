package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.callback.CallbackHeaders;
import com.bunqconnector.callback.CallbackStats;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's path end to end over real sockets: emulator, connector, demo job and consumer.
 * A payment made through {@code bunq.api} makes the emulator call back, and the callbacks reach
 * the consumers with tenant, user and category; nothing secret reaches the log on the way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainJobEndToEndTest {

  @TempDir
  Path conf;

  private void writeConfig() throws IOException {
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), """
        {"environment": "emulator", "http": {"host": "127.0.0.1", "port": 0},
         "pacing": {"intervalMs": 300},
         "demo": {"paymentRoundSeconds": 3600, "amount": "2.50"}}""");
    Files.writeString(conf.resolve("tenants/acme.json"), """
        {"id": "acme", "users": [{"id": "alice"}, {"id": "bob"}],
         "callbacks": {"PAYMENT": ["acme.payments"], "MUTATION": ["acme.mutations"], "*": ["test.all"]}}""");
    Files.writeString(conf.resolve("tenants/globex.json"), """
        {"id": "globex", "users": [{"id": "carol"}],
         "callbacks": {"PAYMENT": ["globex.payments"], "MUTATION": ["test.all"]}}""");
  }

  @Test
  void paymentsThroughTheBusReachConsumersAsCallbacksAndNoSecretIsLogged() throws Exception {
    writeConfig();
    Vertx vertx = Vertx.vertx();
    ConcurrentLinkedQueue<Message<JsonObject>> seen = new ConcurrentLinkedQueue<>();
    try (LogCapture logs = new LogCapture()) {
      ConnectorConfig config = new ConfigLoader(vertx).load(conf).await();
      BunqEmulator emulator = BunqEmulator.start(vertx, new EmulatorOptions()
          // The connector spaces session-server calls 300 ms apart: 100 per 30 s is what this emulator allows.
          .setRateLimits(new RateLimitOptions().setSessionServerCalls(100))).await();
      ConnectorNode node = ConnectorNode.start(vertx, config, SecretBox.ephemeral(), emulator.baseUrl()).await();
      DemoConsumerVerticle consumer = new DemoConsumerVerticle(Set.of("acme.payments", "acme.mutations",
          "globex.payments"));
      vertx.deployVerticle(consumer).await();
      vertx.eventBus().<JsonObject>consumer("test.all", message -> {
        seen.add(message);
        message.reply("ack");
      }).completion().await();
      DemoJobVerticle job = new DemoJobVerticle(node, config.node().demo());
      vertx.deployVerticle(job).await();

      job.firstRound().await();
      job.stopPayments().await();
      CallbackStats stats = node.callbackStats();
      job.settle(stats, 10_000).await();

      // acme: alice->bob, bob->alice; alice->carol across tenants; globex: carol->alice.
      assertThat(job.errors()).isZero();
      assertThat(job.payments()).isEqualTo(4);
      // Each payment: PAYMENT and MUTATION for payer and payee = 16 callbacks.
      assertThat(stats.received()).isEqualTo(16);
      assertThat(stats.delivered()).isEqualTo(16);
      assertThat(stats.failed() + stats.unrouted() + stats.rejected()).isZero();
      // Demo consumer: acme PAYMENT and MUTATION (alice is in 4 payments, bob in 2: 6 events x 2) + globex
      // PAYMENT (carol is in 2 payments).
      assertThat(consumer.received()).isEqualTo(14);
      List<String> events = new ArrayList<>();
      for (Message<JsonObject> message : seen) {
        JsonObject payment = message.body().getJsonObject("NotificationUrl").getJsonObject("object")
            .getJsonObject("Payment");
        events.add(message.headers().get(CallbackHeaders.TENANT) + "/" + message.headers().get(CallbackHeaders.USER)
            + " " + message.headers().get(CallbackHeaders.CATEGORY) + " "
            + message.headers().get(CallbackHeaders.EVENT_TYPE) + " "
            + payment.getJsonObject("amount").getString("value"));
      }
      // test.all takes every acme category ("*") and globex MUTATION.
      assertThat(events).hasSize(14).contains(
          "acme/alice PAYMENT PAYMENT_CREATED -2.50",
          "acme/alice MUTATION MUTATION_RECEIVED 2.50",
          "acme/bob PAYMENT PAYMENT_RECEIVED 2.50",
          "globex/carol MUTATION MUTATION_RECEIVED 2.50",
          "globex/carol MUTATION MUTATION_CREATED -2.50");

      assertNoSecretIn(logs.text(), vertx, node, config);
    } finally {
      vertx.close().await();
    }
  }

  private static void assertNoSecretIn(String logText, Vertx vertx, ConnectorNode node, ConnectorConfig config) {
    assertThat(logText).contains("Opened bunq context");
    List<String> secrets = new ArrayList<>();
    for (TenantConfig tenant : config.tenants()) {
      secrets.add(tenant.callbackToken());
      for (String user : tenant.users().keySet()) {
        SessionContext context = node.store().get(SessionContext.key(tenant.id(), user)).await();
        secrets.add(context.apiKey());
        secrets.add(context.installationToken());
        secrets.add(context.sessionToken());
        String privateKey = context.toJson().getString("clientPrivateKey");
        privateKey.lines().filter(line -> !line.startsWith("-----")).forEach(secrets::add);
      }
    }
    assertThat(secrets).hasSizeGreaterThan(10).allSatisfy(secret -> assertThat(logText).doesNotContain(secret));
  }
}
