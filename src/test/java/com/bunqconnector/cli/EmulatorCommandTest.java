package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.ClientProbe;
import com.bunqconnector.emulator.EmulatorOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code emulator} command as a user runs it: options in, base URL and seeded keys out. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmulatorCommandTest {

  @TempDir
  Path dir;

  /** A running command, its printed lines, and its exit code once stopped. */
  private record Running(EmulatorCommand command, StringWriter out, CompletableFuture<Integer> exit) {

    List<String> lines() {
      return out.toString().lines().toList();
    }

    List<String[]> users() {
      return lines().stream().filter(l -> l.startsWith("user ")).map(l -> l.split(" ", 6)).toList();
    }

    String baseUrl() {
      return lines().get(0).substring("bunq emulator: ".length());
    }

    int stop() throws Exception {
      command.stop();
      assertThat(command.awaitFinished(15, TimeUnit.SECONDS)).isTrue();
      return exit.get(15, TimeUnit.SECONDS);
    }
  }

  private static Running start(String... args) throws InterruptedException {
    EmulatorCommand command = new EmulatorCommand();
    StringWriter out = new StringWriter();
    CommandLine commandLine = new CommandLine(command).setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(args));
    assertThat(command.awaitStarted(15, TimeUnit.SECONDS)).as("started").isTrue();
    return new Running(command, out, exit);
  }

  @Test
  void printsTheBaseUrlAndAUsableKeyForEachGeneratedUser() throws Exception {
    Running running = start("--port", "0", "--users", "2", "--initial-balance", "75.00");
    try {
      assertThat(running.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
      assertThat(running.lines().get(1)).startsWith("oauth: authorize http://127.0.0.1:");
      List<String[]> users = running.users();
      assertThat(users).hasSize(2);
      String[] first = users.get(0);
      assertThat(first[1]).isEqualTo("UserPerson");
      assertThat(first[3]).matches("NL\\d{2}BUNQ\\d{10}");
      assertThat(first[4]).matches("sandbox_[0-9a-f]{56}");
      assertThat(first[5]).isNotBlank();

      ClientProbe.Seen seen = ClientProbe.openSession(running.baseUrl(), first[4]);
      assertThat(seen.userKind()).isEqualTo("UserPerson");
      assertThat(seen.userId()).isEqualTo(Long.parseLong(first[2]));
      assertThat(seen.iban()).isEqualTo(first[3]);
      assertThat(seen.balance()).isEqualTo("75.00");
    } finally {
      assertThat(running.stop()).isZero();
    }
  }

  @Test
  void seedFileUsersAndClientsArePrintedWithTheirFixedCredentials() throws Exception {
    String key = "sandbox_" + "0123456789abcdef".repeat(3) + "01234567";
    Path seed = dir.resolve("team.json");
    Files.writeString(seed, """
        {"users": [{"kind": "company", "apiKey": "%s", "displayName": "Team Co B.V.", "balance": "10.00"},
                   {"kind": "psp", "displayName": "Tpp B.V."}],
         "oauthClients": [{"clientId": "cid", "clientSecret": "csecret",
                           "redirectUris": ["http://localhost:3000/cb"], "owner": 1}]}""".formatted(key));
    Running running = start("--port", "0", "--seed", seed.toString(), "--session-timeout", "600");
    try {
      List<String[]> users = running.users();
      assertThat(users).hasSize(2);
      assertThat(users.get(0)).containsExactly("user", "UserCompany", users.get(0)[2], users.get(0)[3], key,
          "Team Co B.V.");
      assertThat(users.get(1)[1]).isEqualTo("UserPaymentServiceProvider");
      assertThat(users.get(1)[3]).isEqualTo("-");
      assertThat(running.lines())
          .contains("oauth-client " + users.get(1)[2] + " cid csecret http://localhost:3000/cb");
      ClientProbe.Seen seen = ClientProbe.openSession(running.baseUrl(), key);
      assertThat(seen.userKind()).isEqualTo("UserCompany");
      assertThat(seen.balance()).isEqualTo("10.00");
    } finally {
      assertThat(running.stop()).isZero();
    }
  }

  @Test
  void badSeedFileStopsTheStartNamingFileAndField() throws IOException {
    Path seed = dir.resolve("bad.json");
    Files.writeString(seed, "{\"users\":[{\"kind\":\"person\",\"apiKey\":\"sandbox_nothex\"}]}");
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("emulator", "--port", "0", "--seed", seed.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("bad.json: users[0].apiKey: must be \"sandbox_\" followed by 56");
  }

  @Test
  void restartOnTheSameDataDirPrintsTheSameUsersInsteadOfSeedingNewOnes() throws Exception {
    String state = dir.resolve("state").toString();
    Running first = start("--port", "0", "--users", "2", "--data-dir", state);
    List<String> users;
    try {
      users = first.lines().stream().filter(l -> l.startsWith("user ")).toList();
      assertThat(users).hasSize(2);
    } finally {
      assertThat(first.stop()).isZero();
    }

    Running second = start("--port", "0", "--users", "5", "--data-dir", state);
    try {
      assertThat(second.lines().stream().filter(l -> l.startsWith("user ")).toList()).isEqualTo(users);
      String[] user = second.users().get(1);
      ClientProbe.Seen seen = ClientProbe.openSession(second.baseUrl(), user[4]);
      assertThat(seen.userId()).isEqualTo(Long.parseLong(user[2]));
    } finally {
      assertThat(second.stop()).isZero();
    }
  }

  @Test
  void damagedStateFileStopsTheStartNamingTheFile() throws IOException {
    Files.writeString(dir.resolve("emulator-state.json"), "not json");
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("emulator", "--port", "0", "--data-dir", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains(dir.resolve("emulator-state.json") + " is not a JSON object");
    assertThat(Files.readString(dir.resolve("emulator-state.json"))).isEqualTo("not json");
  }

  @Test
  void busyPortStopsTheStartNamingHostAndPort() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      StringWriter err = new StringWriter();
      int code = Main.commandLine().setErr(new PrintWriter(err))
          .execute("emulator", "--port", Integer.toString(busy.getLocalPort()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + busy.getLocalPort(), "--port");
    }
  }

  @Test
  void outOfRangeOptionsAreUsageErrors() {
    StringWriter err = new StringWriter();
    assertThat(Main.commandLine().setErr(new PrintWriter(err)).execute("emulator", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("port must be 0..65535");
    err.getBuffer().setLength(0);
    assertThat(Main.commandLine().setErr(new PrintWriter(err)).execute("emulator", "--users", "-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--users must be >= 0");
    err.getBuffer().setLength(0);
    assertThat(Main.commandLine().setErr(new PrintWriter(err)).execute("emulator", "--initial-balance", "lots"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("initialBalance must be digits with at most 2 decimals");
    err.getBuffer().setLength(0);
    assertThat(Main.commandLine().setErr(new PrintWriter(err)).execute("emulator", "--initial-balance", "1e999999999"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("initialBalance must be digits", "1e999999999");
  }

  @Test
  void limitAndSignatureFlagsReachTheEmulatorOptions() {
    CommandLine line = Main.commandLine();
    line.parseArgs("emulator", "--no-rate-limits", "--strict-signatures", "--request-id-ttl", "60",
        "--https-callbacks-only", "--enforce-daily-limits");
    EmulatorOptions options = ((EmulatorCommand) line.getSubcommands().get("emulator").getCommand()).options();
    assertThat(options.getRateLimits().isEnabled()).isFalse();
    assertThat(options.isStrictSignatures()).isTrue();
    assertThat(options.getRequestIdTtlSeconds()).isEqualTo(60);
    assertThat(options.isHttpsCallbacksOnly()).isTrue();
    assertThat(options.isEnforceDailyLimits()).isTrue();
    assertThat(options.getDataDir()).isNull();

    CommandLine plain = Main.commandLine();
    plain.parseArgs("emulator");
    EmulatorOptions defaults = ((EmulatorCommand) plain.getSubcommands().get("emulator").getCommand()).options();
    assertThat(defaults.getRateLimits().isEnabled()).isTrue();
    assertThat(defaults.isStrictSignatures()).isFalse();
    assertThat(defaults.getRequestIdTtlSeconds()).isEqualTo(EmulatorOptions.DEFAULT_REQUEST_ID_TTL_SECONDS);
    assertThat(defaults.isHttpsCallbacksOnly()).as("the demo delivers callbacks over http").isFalse();
    assertThat(defaults.isEnforceDailyLimits()).as("the demo pays for days on end").isFalse();
  }

  @Test
  void helpDocumentsEveryOption() {
    StringWriter out = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).execute("emulator", "--help");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("--host", "--port", "--users", "--seed", "--session-timeout",
        "--initial-balance", "--no-rate-limits", "--strict-signatures", "--request-id-ttl", "--data-dir", "--help",
        "--https-callbacks-only", "--enforce-daily-limits", "18080",
        "604800", "500.00");
  }
}
