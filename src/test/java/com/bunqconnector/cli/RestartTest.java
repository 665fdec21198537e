package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job run again with the same data directory, against a bunq (a standalone emulator) that
 * stays up, and as the demo with its embedded emulator, which keeps its state in the data directory
 * too: later runs find every context stored and create none.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

  @RegisterExtension
  final StandaloneEmulator bunq = new StandaloneEmulator();

  @TempDir
  Path conf;

  /** The summary of a run, checked to have exited 0. */
  private static Matcher run(String... args) {
    RunCommandTest.Outcome outcome = RunCommandTest.run(args);
    assertThat(outcome.code()).as("exit code; output: " + outcome.out()).isZero();
    return outcome.summary();
  }

  @Test
  void secondRunWithTheSameDataDirectoryCreatesNoContexts() throws IOException {
    bunq.shippedConfigIn(conf);
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
  void demoWithItsEmbeddedEmulatorCreatesContextsOnTheFirstOfThreeRunsOnly() throws IOException {
    RunCommandTest.shippedConfigWithFastRounds(conf);
    String data = conf.resolve("data").toString();
    Matcher first = run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "1s");
    assertThat(first.group(4)).as("installations_created, first run").isEqualTo("6");
    for (int again = 2; again <= 3; again++) {
      Matcher later = run("run", "--conf", conf.toString(), "--data-dir", data, "--duration", "1s");
      assertThat(later.group(4)).as("installations_created, run " + again).isEqualTo("0");
      assertThat(later.group(5)).as("sessions_created, run " + again).isEqualTo("0");
      assertThat(later.group(9)).as("errors, run " + again + ": the callback URLs of earlier runs are replaced")
          .isEqualTo("0");
    }
    assertThat(Path.of(data, "emulator", "emulator-state.json")).as("the emulator's own state").exists();
  }

  @Test
  void demoDataDirectoryMovedElsewhereKeepsItsContextsAndIsReadableByItsOwnerOnly() throws IOException {
    RunCommandTest.shippedConfigWithFastRounds(conf);
    Path data = conf.resolve("data");
    Matcher first = run("run", "--conf", conf.toString(), "--data-dir", data.toString(), "--duration", "1s");
    assertThat(first.group(4)).as("installations_created, first run").isEqualTo("6");
    if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }
    Path moved = Files.move(data, conf.resolve("moved"));

    Matcher later = run("run", "--conf", conf.toString(), "--data-dir", moved.toString(), "--duration", "1s");
    assertThat(later.group(3)).as("sessions").isEqualTo("6");
    assertThat(later.group(4)).as("installations_created after the move").isEqualTo("0");
    assertThat(later.group(5)).as("sessions_created after the move").isEqualTo("0");
    assertThat(later.group(9)).as("errors").isEqualTo("0");
  }

  @Test
  void emptiedDatabaseFileStopsTheRunWithOneLineNamingIt() throws IOException {
    RunCommandTest.shippedConfigWithFastRounds(conf);
    Path data = conf.resolve("data");
    run("run", "--conf", conf.toString(), "--data-dir", data.toString(), "--duration", "1s");
    Path file = data.resolve("connector.mv.db").toAbsolutePath();
    Files.write(file, new byte[0]);

    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err))
        .execute("run", "--conf", conf.toString(), "--data-dir", data.toString(), "--duration", "1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines()).hasSize(1).first().asString()
        .contains(file.toString(), "is empty (0 bytes)");
    assertThat(file).isEmptyFile();
  }

  @Test
  void aWrongMasterKeyIsReportedOnceAtStartAndNothingIsOverwritten() throws IOException {
    bunq.shippedConfigIn(conf, "\"ephemeral\": true", "\"file\": \"master.key\"");
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
