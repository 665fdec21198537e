package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job run twice with the same data directory against a bunq (a standalone emulator) that
 * stays up: the second run finds every context stored and creates none.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

  static final Pattern SUMMARY = Pattern.compile("summary: tenants=(\\d+) users=(\\d+) sessions=(\\d+)"
      + " installations_created=(\\d+) sessions_created=(\\d+) payments=(\\d+) callbacks_received=(\\d+)"
      + " callbacks_delivered=(\\d+) errors=(\\d+)");

  @TempDir
  Path conf;

  private Vertx bunqSide;
  private BunqEmulator emulator;

  @BeforeEach
  void start() throws Exception {
    bunqSide = Vertx.vertx();
    emulator = BunqEmulator.start(bunqSide, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    bunqSide.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * The shipped configuration pointed at {@code emulator} instead of an embedded one, with payment rounds
   * every second and {@code replacements} applied to connector.json.
   */
  static void shippedConfigAgainst(Path conf, BunqEmulator emulator, String... replacements) throws IOException {
    Files.createDirectories(conf.resolve("tenants"));
    for (String file : List.of("connector.json", "tenants/acme.json", "tenants/globex.json")) {
      Files.copy(Path.of("conf").resolve(file), conf.resolve(file));
    }
    String node = Files.readString(conf.resolve("connector.json"))
        .replace("\"paymentRoundSeconds\": 10", "\"paymentRoundSeconds\": 1")
        .replace("\"embedded\": true,", "\"embedded\": false, \"baseUrl\": \"" + emulator.baseUrl() + "\",");
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(node).contains(replacements[i]);
      node = node.replace(replacements[i], replacements[i + 1]);
    }
    assertThat(node).contains("\"embedded\": false");
    Files.writeString(conf.resolve("connector.json"), node);
  }

  /** The summary of a run that printed one, checked to have exited 0. */
  private Matcher run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.commandLine().execute(args);
    } finally {
      System.setOut(original);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(code).as("exit code; output: " + lines).isZero();
    Matcher summary = SUMMARY.matcher(lines.get(lines.size() - 1));
    assertThat(summary.matches()).as("last line: " + lines.get(lines.size() - 1)).isTrue();
    return summary;
  }

  @Test
  void secondRunWithTheSameDataDirectoryCreatesNoContexts() throws IOException {
    shippedConfigAgainst(conf, emulator);
    String data = conf.resolve("data").toString();
    Matcher first = run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "2s");
    assertThat(first.group(4)).as("installations_created, first run").isEqualTo("6");
    assertThat(first.group(5)).as("sessions_created, first run").isEqualTo("6");

    Matcher second = run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "2s");
    assertThat(second.group(3)).as("sessions").isEqualTo("6");
    assertThat(second.group(4)).as("installations_created").isEqualTo("0");
    assertThat(second.group(5)).as("sessions_created").isEqualTo("0");
    assertThat(Long.parseLong(second.group(6))).as("payments with the stored contexts").isPositive();
    assertThat(second.group(9)).as("errors").isEqualTo("0");
  }

  @Test
  void aWrongMasterKeyIsReportedOnceAtStartAndNothingIsOverwritten() throws IOException {
    shippedConfigAgainst(conf, emulator, "\"ephemeral\": true", "\"file\": \"master.key\"");
    Path keyFile = conf.resolve("master.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));
    String data = conf.resolve("data").toString();
    run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "1s");

    byte[] other = new byte[32];
    other[0] = 1;
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(other));
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines()).hasSize(1).first().asString()
        .contains("opens none of the 6 stored contexts tried (of 6)")
        .contains("start the node with the key they were sealed with");

    Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));
    Matcher again = run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "1s");
    assertThat(again.group(4)).as("the right key finds every context intact").isEqualTo("0");
  }
}
