package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code run} command as a user runs it: configuration files in, summary line out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunCommandTest {

  static final Pattern SUMMARY = Pattern.compile("summary: tenants=(\\d+) users=(\\d+) sessions=(\\d+)"
      + " installations_created=(\\d+) sessions_created=(\\d+) payments=(\\d+) callbacks_received=(\\d+)"
      + " callbacks_delivered=(\\d+) errors=(\\d+)");

  @TempDir
  Path conf;

  /** The shipped configuration, with payment rounds every second so a short run makes several. */
  private void shippedConfigWithFastRounds() throws IOException {
    shippedConfigWithFastRounds(conf);
  }

  /** Copies the shipped configuration into {@code conf}, with payment rounds every second. */
  static void shippedConfigWithFastRounds(Path conf) throws IOException {
    Files.createDirectories(conf.resolve("tenants"));
    for (String file : List.of("connector.json", "tenants/acme.json", "tenants/globex.json")) {
      Files.copy(Path.of("conf").resolve(file), conf.resolve(file));
    }
    String node = Files.readString(conf.resolve("connector.json"))
        .replace("\"paymentRoundSeconds\": 10", "\"paymentRoundSeconds\": 1");
    assertThat(node).contains("\"paymentRoundSeconds\": 1,");
    Files.writeString(conf.resolve("connector.json"), node);
  }

  /** The data directory of the runs, inside the test's directory (a run must not write to ./data). */
  private String data() {
    return conf.resolve("data").toString();
  }

  /** What a run printed on standard output, and its exit code. */
  record Outcome(String out, int code) {
    Matcher summary() {
      List<String> lines = out.lines().toList();
      Matcher summary = SUMMARY.matcher(lines.get(lines.size() - 1));
      assertThat(summary.matches()).as("last line: " + lines.get(lines.size() - 1)).isTrue();
      return summary;
    }
  }

  static Outcome run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.commandLine().execute(args);
    } finally {
      System.setOut(original);
    }
    return new Outcome(out.toString(StandardCharsets.UTF_8), code);
  }

  @Test
  void noCommandIsAUsageErrorNamingTheCommands() {
    for (String[] args : List.of(new String[0], new String[] {"users"})) {
      StringWriter err = new StringWriter();
      PrintStream original = System.out;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertThat(Main.commandLine().setErr(new PrintWriter(err, true)).execute(args)).isEqualTo(2);
      } finally {
        System.setOut(original);
      }
      assertThat(out.size()).as("nothing on standard output").isZero();
      assertThat(err.toString()).contains(args.length == 0 ? "a command is needed: one of run, emulator, bench,"
          + " replay, users" : "users needs a command: one of list, add, remove").contains("Usage: bunq-connector");
    }
  }

  @Test
  void shippedDemoEndsWithASummaryWhereEveryCallbackWasDelivered() throws IOException {
    shippedConfigWithFastRounds();
    Outcome outcome = run("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "3s");
    assertThat(outcome.code()).isZero();
    Matcher summary = outcome.summary();
    assertThat(summary.group(1)).isEqualTo("2");
    assertThat(summary.group(2)).isEqualTo("6");
    assertThat(summary.group(3)).as("sessions").isEqualTo("6");
    assertThat(summary.group(4)).as("installations_created").isEqualTo("6");
    assertThat(summary.group(5)).as("sessions_created").isEqualTo("6");
    assertThat(Long.parseLong(summary.group(6))).as("payments").isPositive();
    assertThat(Long.parseLong(summary.group(7))).as("callbacks_received").isEqualTo(4 * Long.parseLong(
        summary.group(6)));
    assertThat(summary.group(8)).as("callbacks_delivered").isEqualTo(summary.group(7));
    assertThat(summary.group(9)).as("errors").isEqualTo("0");
  }

  @Test
  void rejectedApiKeyFailsOnlyItsUserAndTheRunExitsWithErrors() throws IOException {
    shippedConfigWithFastRounds();
    String acme = Files.readString(conf.resolve("tenants/acme.json"))
        .replace("{ \"id\": \"bob\" }", "{ \"id\": \"bob\", \"apiKey\": \"sandbox_" + "0".repeat(56) + "\" }");
    assertThat(acme).contains("sandbox_000");
    Files.writeString(conf.resolve("tenants/acme.json"), acme);
    Outcome outcome = run("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "2s");
    assertThat(outcome.code()).isEqualTo(RunCommand.EXIT_ERRORS);
    Matcher summary = outcome.summary();
    assertThat(summary.group(3)).as("sessions").isEqualTo("5");
    assertThat(Long.parseLong(summary.group(6))).as("payments").isPositive();
    assertThat(Long.parseLong(summary.group(9))).as("errors").isPositive();
  }

  @Test
  void unknownEmulatorOptionStopsTheRunNamingIt() throws IOException {
    shippedConfigWithFastRounds();
    String node = Files.readString(conf.resolve("connector.json")).replace("\"initialBalance\"", "\"initalBalance\"");
    Files.writeString(conf.resolve("connector.json"), node);
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("connector.json: emulator.initalBalance: is not a known field");
  }

  @Test
  void runWithoutTheDemoStopsCleanlyWithASummary() throws IOException {
    shippedConfigWithFastRounds();
    String node = Files.readString(conf.resolve("connector.json")).replace("\"enabled\": true", "\"enabled\": false");
    Files.writeString(conf.resolve("connector.json"), node);
    Outcome outcome = run("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "500ms");
    assertThat(outcome.code()).isZero();
    Matcher summary = outcome.summary();
    assertThat(summary.group(6)).as("payments").isEqualTo("0");
    assertThat(summary.group(9)).as("errors").isEqualTo("0");
  }

  @Test
  void mistypedEmulatorOptionStopsTheRunNamingIt() throws IOException {
    shippedConfigWithFastRounds();
    String node = Files.readString(conf.resolve("connector.json")).replace("\"port\": 0,\n    \"initialBalance\"",
        "\"port\": \"x\",\n    \"initialBalance\"");
    assertThat(node).contains("\"port\": \"x\"");
    Files.writeString(conf.resolve("connector.json"), node);
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("configuration rejected:").contains("emulator.port: must be a whole number");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"rateLimits\": 5 | emulator.rateLimits: must be an object, was 5",
      "\"rateLimits\": {\"getCalls\": \"x\"} | emulator.rateLimits.getCalls: must be a whole number, was \"x\"",
      "\"sessionTimeoutSeconds\": 1000000000000"
          + " | emulator.sessionTimeoutSeconds: must be a whole number from -2147483648 to 2147483647,"
          + " was 1000000000000",
      "\"strictSignatures\": \"yes\" | emulator.strictSignatures: must be true or false, was \"yes\""})
  void wrongEmulatorOptionStopsTheRunNamingFieldAndValue(String option, String expected) throws IOException {
    shippedConfigWithFastRounds();
    String node = Files.readString(conf.resolve("connector.json"))
        .replace("\"embedded\": true,", "\"embedded\": true, " + option + ",")
        .replace("\"sessionTimeoutSeconds\": 3600,", "")
        .replace("\"rateLimits\": {\n      \"postCalls\": 10,\n      \"sessionServerCalls\": 60\n    }",
            "\"cryptoPoolSize\": 2");
    assertThat(node).contains(option).contains("\"cryptoPoolSize\": 2");
    Files.writeString(conf.resolve("connector.json"), node);
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("connector.json: " + expected).doesNotContain("Exception");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void lostOrShortEmulatorJournalStopsTheRunSayingTheEmulatorCannotStart(boolean lost) throws IOException {
    shippedConfigWithFastRounds();
    assertThat(run("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "1s").code()).isZero();
    Path journal = conf.resolve("data").resolve("emulator").resolve("emulator-journal.jsonl");
    if (lost) {
      Files.delete(journal);
    } else {
      byte[] bytes = Files.readAllBytes(journal);
      Files.write(journal, Arrays.copyOf(bytes, bytes.length / 2));
    }

    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines()).hasSize(1).first().asString()
        .contains("the embedded emulator cannot start: ", journal.getFileName().toString(),
            lost ? "is missing" : "which has only")
        .doesNotContain("cannot listen");
  }

  @Test
  void malformedTenantFileStopsTheRunNamingFileAndField() throws IOException {
    shippedConfigWithFastRounds();
    Files.writeString(conf.resolve("tenants/globex.json"), "{\"id\":\"globex\",\"users\":[{\"id\":7}]}");
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data(), "--duration", "3s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("globex.json").contains("users[0].id").contains("must be a string");
  }

  @Test
  void badDurationIsAUsageError() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err)).execute("run", "--duration", "soon");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
    err.getBuffer().setLength(0);
    assertThat(Main.commandLine().setErr(new PrintWriter(err)).execute("run", "--duration", "-5s")).isEqualTo(2);
    assertThat(err.toString()).contains("must be positive");
  }
}
