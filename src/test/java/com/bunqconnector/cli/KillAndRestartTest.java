package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code run} command in a child JVM, killed with SIGKILL while it creates contexts, then
 * started again on the same data directory: every stored context is complete, and the second run
 * creates exactly the ones the first did not finish.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KillAndRestartTest {

  private static final String OPENING = "Opening bunq context for ";
  private static final String OPENED = "Opened bunq context ";

  @TempDir
  Path conf;

  @RegisterExtension
  final StandaloneEmulator bunq = new StandaloneEmulator();

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process child : children) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A child JVM running {@code run} on this test's class path, its output collected by a reader thread. */
  private final class Child {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch firstOpened = new CountDownLatch(1);
    private final Thread reader;

    Child(String duration) throws IOException, URISyntaxException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(argument -> argument.startsWith("--add-"))
          .forEach(command::add);
      command.add("-Dhazelcast.logging.type=slf4j");
      command.add("-Dlogback.configurationFile=" + Path.of(Main.class.getResource("/logback.xml").toURI()));
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
          "--conf", conf.toString(), "--data-dir", conf.resolve("data").toString(), "--duration", duration));
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      children.add(process);
      reader = new Thread(this::read, "child-output");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.append(line).append('\n');
          if (line.contains(OPENED)) {
            firstOpened.countDown();
          }
        }
      } catch (IOException e) {
        output.append("reading the child's output failed: ").append(e).append('\n');
      }
    }

    long count(String text) {
      return output.toString().lines().filter(line -> line.contains(text)).count();
    }

    String finish() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(30));
      return output.toString();
    }
  }

  @Test
  void nodeKilledWhileCreatingContextsRestartsWithNoHalfWrittenOne() throws Exception {
    bunq.shippedConfigIn(conf, "\"intervalMs\": 500", "\"intervalMs\": 2000");
    Child first = new Child("60s");
    assertThat(first.firstOpened.await(90, TimeUnit.SECONDS)).as("a context was opened; output:\n" + first.output)
        .isTrue();
    first.process.destroyForcibly();
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String killed = first.finish();
    long opening = first.count(OPENING);
    long opened = first.count(OPENED);
    assertThat(opening).as("creations under way when killed; output:\n" + killed).isGreaterThan(opened);

    SecretBox box = new SecretBox(SecretBox.decodeKey(Files.readString(conf.resolve("data")
        .resolve(MasterKeys.GENERATED_FILE)), "generated key"));
    int stored;
    try (Database database = Database.embedded(conf.resolve("data"))) {
      Map<String, String> rows = database.sample(SessionStore.MAP_NAME, 100);
      stored = rows.size();
      for (Map.Entry<String, String> row : rows.entrySet()) {
        assertThat(SessionStore.problem(box, row.getKey(), row.getValue())).as(row.getKey()).isNull();
      }
    }
    assertThat(stored).as("stored contexts after the kill").isBetween((int) opened, 5);

    String node = Files.readString(conf.resolve("connector.json")).replace("\"intervalMs\": 2000",
        "\"intervalMs\": 500");
    Files.writeString(conf.resolve("connector.json"), node);
    Child second = new Child("2s");
    assertThat(second.process.waitFor(150, TimeUnit.SECONDS)).as("the second run ended").isTrue();
    String output = second.finish();
    assertThat(second.process.exitValue()).as("exit code; output:\n" + output).isZero();
    Matcher summary = RunCommandTest.SUMMARY.matcher(output);
    assertThat(summary.find()).as("a summary; output:\n" + output).isTrue();
    assertThat(summary.group(3)).as("sessions").isEqualTo("6");
    assertThat(Integer.parseInt(summary.group(4))).as("installations_created").isEqualTo(6 - stored);
    assertThat(summary.group(9)).as("errors").isEqualTo("0");
  }
}
