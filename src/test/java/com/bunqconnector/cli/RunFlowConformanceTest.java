package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.ConnectorConfig;
import com.bunqconnector.conformance.ApiConformance;
import com.bunqconnector.conformance.BunqOpenApi;
import com.bunqconnector.conformance.Operation;
import com.bunqconnector.conformance.RecordingProxy.Exchange;
import com.bunqconnector.conformance.RecordingProxy;
import com.bunqconnector.conformance.Violation;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector's own request bodies conform to bunq's OpenAPI document. The {@code run} flow's
 * real code builds them: {@code ContextFactory} (sandbox-user-person, installation, device-server,
 * session-server), {@code FilterRegistrar} (notification-filter-url) and the demo job (the
 * account listing and the payments), talking to the emulator through a {@link RecordingProxy}.
 * Each recorded request body is validated against its operation's request schema, strictly and
 * with the known deviations (see {@code com.bunqconnector.conformance.BunqOpenApi}); each answer
 * is checked too, as a second look at the emulator. Lives in {@code cli} to drive the
 * package-private demo job as {@code MainJobEndToEndTest} does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunFlowConformanceTest {

  /** The operations the flow must reach, so that the check cannot pass by seeing nothing. */
  private static final List<String> REACHED = List.of(
      "POST /sandbox-user-person",
      "POST /installation",
      "POST /device-server",
      "POST /session-server",
      "GET /user/{userID}/notification-filter-url",
      "POST /user/{userID}/notification-filter-url",
      "GET /user/{userID}/monetary-account-bank",
      "POST /user/{userID}/monetary-account/{monetary-accountID}/payment");

  private static final BunqOpenApi API = BunqOpenApi.shared();
  private static final ApiConformance CONFORMANCE = new ApiConformance(API);

  @TempDir
  Path conf;

  /** One tenant: alice registers her device for any IP (permitted_ips sent), bob for his own (none sent). */
  private void writeConfig() throws Exception {
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), """
        {"environment": "emulator", "http": {"host": "127.0.0.1", "port": 0},
         "demo": {"paymentRoundSeconds": 3600, "amount": "1.25"}}""");
    Files.writeString(conf.resolve("tenants/acme.json"), """
        {"id": "acme", "users": [{"id": "alice", "permittedIps": ["*"]}, {"id": "bob"}],
         "callbacks": {"PAYMENT": ["acme.payments"], "MUTATION": ["acme.mutations"]}}""");
  }

  @Test
  void everyRequestTheRunFlowSendsConformsToBunqsDocument() throws Exception {
    writeConfig();
    Vertx vertx = Vertx.vertx();
    try {
      ConnectorConfig config = new ConfigLoader(vertx).load(conf).await();
      BunqEmulator emulator = BunqEmulator.start(vertx, new EmulatorOptions()
          .setRateLimits(new RateLimitOptions().setSessionServerCalls(10))).await();
      RecordingProxy proxy = RecordingProxy.start(vertx, "127.0.0.1", emulator.port()).await();
      ConnectorNode node = ConnectorNode.start(vertx, config, SecretBox.ephemeral(), proxy.baseUrl()).await();
      for (String address : List.of("acme.payments", "acme.mutations")) {
        vertx.eventBus().consumer(address, message -> message.reply("ack")).completion().await();
      }
      DemoJobVerticle job = new DemoJobVerticle(node, config.node().demo());
      vertx.deployVerticle(job).await();
      job.firstRound().await();
      job.stopPayments().await();
      job.settle(node.callbackStats(), 10_000).await();
      assertThat(job.errors()).isZero();
      assertThat(job.payments()).isEqualTo(2);

      Set<String> reached = new LinkedHashSet<>();
      List<Violation> violations = new ArrayList<>();
      for (Exchange exchange : proxy.exchanges()) {
        check(exchange, reached, violations);
      }
      assertThat(reached).containsAll(REACHED);
      assertThat(violations).as("the run flow breaks bunq's document: %s", Violation.describe(violations)).isEmpty();
    } finally {
      vertx.close().await(15, TimeUnit.SECONDS);
    }
  }

  private static void check(Exchange exchange, Set<String> reached, List<Violation> violations) {
    Optional<Operation> found = API.find(exchange.method(), exchange.path());
    if (found.isEmpty()) {
      violations.add(new Violation(exchange.toString(), "bunq's document has no such operation", ""));
      return;
    }
    Operation operation = found.get();
    reached.add(operation.method() + " " + operation.template());
    String request = exchange.method() + " " + exchange.path() + " request ";
    CONFORMANCE.request(operation, exchange.requestBody()).forEach(v -> violations.add(at(request, v)));
    if (exchange.status() != 200) {
      violations.add(new Violation(exchange.toString(), "failed: " + exchange.responseBody(), ""));
      return;
    }
    String response = exchange.method() + " " + exchange.path() + " response ";
    CONFORMANCE.response(operation, new JsonObject(exchange.responseBody())).forEach(v -> violations.add(at(response,
        v)));
  }

  private static Violation at(String exchange, Violation violation) {
    return new Violation(exchange + violation.where(), violation.problem(), violation.schema());
  }
}
