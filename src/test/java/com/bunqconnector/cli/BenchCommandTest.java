package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.RsaProvider;
import com.bunqconnector.testing.ChildJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code bench} subcommands with tiny counts: they finish and end with their figures line (not speed). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchCommandTest {

  private record Result(int code, List<String> out, String err) {

    String last() {
      return out.get(out.size() - 1);
    }
  }

  private static Result bench(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Result(code, out.toString().lines().toList(), err.toString());
  }

  @Test
  void contextsBenchOpensTheContextsAndEndsWithCountRateAndHeapPerContext() {
    Result result = bench("bench", "contexts", "--count", "5", "--concurrency", "2");
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.last()).matches("contexts: count=5 created_per_s=\\d+\\.\\d heap_bytes_per_context=-?\\d+");
    assertThat(result.out()).anyMatch(line -> line.startsWith("bench contexts: 5 stored;"));
  }

  @Test
  void signBenchEndsWithOneFiguresLinePerProvider() {
    Result result = bench("bench", "sign", "--seconds", "1", "--warmup", "0", "--provider", "jdk,auto");
    assertThat(result.code()).as(result.err()).isZero();
    List<String> figures = result.out().stream().filter(line -> line.startsWith("sign: ")).toList();
    assertThat(figures).hasSize(2);
    assertThat(figures.get(0)).matches("sign: provider=jdk ops_per_s=\\d+");
    assertThat(result.last()).isEqualTo(figures.get(1))
        .matches("sign: provider=" + RsaProvider.selected().shortName() + " ops_per_s=\\d+");
  }

  @Test
  void unknownProviderIsRefusedWithTheChoices() {
    Result result = bench("bench", "sign", "--provider", "openssl");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--provider is 'openssl'; use auto, accp or jdk");
  }

  @Test
  void helpNamesEveryBenchOption() {
    assertThat(String.join("\n", bench("bench", "contexts", "--help").out()))
        .contains("--count", "--concurrency", "--crypto-threads", "--timeout", "heap_bytes_per_context");
    assertThat(String.join("\n", bench("bench", "sign", "--help").out()))
        .contains("--seconds", "--warmup", "--provider", "ops_per_s");
  }

  /** In a JVM of its own, since the provider is chosen once per JVM; with the shipped log configuration. */
  @Test
  void systemPropertyForcesTheJdkProviderAndTheLogNamesIt() throws IOException, InterruptedException {
    String output;
    try (ChildJvm child = ChildJvm.start(Main.class, null, List.of(RsaProvider.PROPERTY + "=jdk"), "bench", "sign",
        "--seconds", "1", "--warmup", "0")) {
      output = child.finish(60, TimeUnit.SECONDS);
      assertThat(child.exitValue()).as(output).isZero();
    }
    List<String> lines = output.lines().toList();
    assertThat(lines).filteredOn(line -> line.contains("RSA provider: ")).singleElement().asString()
        .contains("INFO", "RSA provider: SunRsaSign", "-D" + RsaProvider.PROPERTY + "=jdk");
    assertThat(lines.get(lines.size() - 1)).matches("sign: provider=jdk ops_per_s=\\d+");
  }

  /** In a JVM of its own, as above: the provider is chosen once per JVM. */
  @Test
  void anUnknownProviderPropertyIsRefusedAtOnceNamingIt() throws IOException, InterruptedException {
    try (ChildJvm child = ChildJvm.start(Main.class, null, List.of(RsaProvider.PROPERTY + "=bogus"), "emulator",
        "--port", "0")) {
      String output = child.finish(60, TimeUnit.SECONDS);
      assertThat(child.exitValue()).as(output).isEqualTo(1);
      assertThat(output.lines().toList()).last().asString()
          .isEqualTo("bunq-connector: system property " + RsaProvider.PROPERTY + " is 'bogus'; use auto, accp or jdk");
    }
  }
}
