package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code users} command's refusals before it reaches a cluster: an API key file that is missing,
 * empty or too big, and a configuration without clustering, each in one line that names the problem
 * and never the key. (Adding, listing and removing on a running cluster: {@link RuntimeUsersTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UsersCommandTest {

  @TempDir
  Path dir;

  private String refusal(String... args) {
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setErr(new PrintWriter(err, true));
    assertThat(command.execute(args)).isEqualTo(1);
    assertThat(err.toString().strip()).doesNotContain("\n");
    return err.toString().strip();
  }

  private String[] add(Path keyFile) {
    return new String[] {"users", "add", "--conf", dir.resolve("conf").toString(), "--tenant", "acme",
        "--user", "carol", "--api-key-file", keyFile.toString()};
  }

  @Test
  void aMissingEmptyOrOversizedKeyFileIsRefusedNamingTheFile() throws Exception {
    Path missing = dir.resolve("missing.key");
    assertThat(refusal(add(missing))).isEqualTo("bunq-connector: --api-key-file " + missing
        + " is not a readable file");
    Path empty = Files.writeString(dir.resolve("empty.key"), " \n");
    assertThat(refusal(add(empty))).isEqualTo("bunq-connector: --api-key-file " + empty + " is empty");
    Path big = Files.writeString(dir.resolve("big.key"), "k".repeat(5000));
    assertThat(refusal(add(big))).isEqualTo("bunq-connector: --api-key-file " + big
        + " holds over 4096 bytes: not an API key");
  }

  @Test
  void withClusteringOffItSaysSoWithoutQuotingTheKey() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf/tenants"));
    Files.writeString(conf.resolve("acme.json"), "{\"id\": \"acme\", \"users\": [{\"id\": \"alice\"}]}");
    Files.writeString(conf.resolveSibling("connector.json"), "{}");
    Path key = Files.writeString(dir.resolve("carol.key"), "sandbox_0123456789abcdef0123456789abcdef");
    String message = refusal(add(key));
    assertThat(message).startsWith("bunq-connector: users add reaches the running nodes through the cluster,"
        + " but cluster.enabled is false in").doesNotContain("sandbox_0123");
  }
}
