package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.store.Database;
import com.bunqconnector.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private final List<ChildJvm> children = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ChildJvm child : children) {
      child.close();
    }
  }

  private ChildJvm run(String duration) throws IOException {
    ChildJvm child = ChildJvm.start(Main.class, OPENED, List.of(), "run", "--conf", conf.toString(), "--data-dir",
        conf.resolve("data").toString(), "--duration", duration);
    children.add(child);
    return child;
  }

  @Test
  void nodeKilledWhileCreatingContextsRestartsWithNoHalfWrittenOne() throws Exception {
    bunq.shippedConfigIn(conf, "\"intervalMs\": 500", "\"intervalMs\": 2000");
    ChildJvm first = run("60s");
    assertThat(first.awaitLine(90, TimeUnit.SECONDS)).as("a context was opened; output:\n" + first.output())
        .isTrue();
    String killed = first.kill();
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
    ChildJvm second = run("2s");
    String output = second.finish(150, TimeUnit.SECONDS);
    assertThat(second.exitValue()).as("exit code; output:\n" + output).isZero();
    Matcher summary = RunCommandTest.SUMMARY.matcher(output);
    assertThat(summary.find()).as("a summary; output:\n" + output).isTrue();
    assertThat(summary.group(3)).as("sessions").isEqualTo("6");
    assertThat(Integer.parseInt(summary.group(4))).as("installations_created").isEqualTo(6 - stored);
    assertThat(summary.group(9)).as("errors").isEqualTo("0");
  }
}
