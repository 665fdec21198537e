package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bunq that outlives the connector runs of a test: an emulator (rate limits off) on a Vert.x
 * instance of its own, started before each test and stopped after it. Register it as a
 * {@code @RegisterExtension} field.
 */
final class StandaloneEmulator implements BeforeEachCallback, AfterEachCallback {

  private Vertx vertx;
  private BunqEmulator emulator;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * Copies the shipped configuration into {@code conf}, pointed at this emulator instead of an embedded
   * one, with payment rounds every second and {@code replacements} (pairs of text and its replacement)
   * applied to connector.json.
   */
  void shippedConfigIn(Path conf, String... replacements) throws IOException {
    RunCommandTest.shippedConfigWithFastRounds(conf);
    String node = Files.readString(conf.resolve("connector.json"))
        .replace("\"embedded\": true,", "\"embedded\": false, \"baseUrl\": \"" + emulator.baseUrl() + "\",");
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(node).contains(replacements[i]);
      node = node.replace(replacements[i], replacements[i + 1]);
    }
    assertThat(node).contains("\"embedded\": false");
    Files.writeString(conf.resolve("connector.json"), node);
  }
}
