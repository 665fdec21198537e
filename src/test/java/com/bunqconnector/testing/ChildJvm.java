package com.bunqconnector.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code main} class run in a JVM of its own on this test's class path, with this JVM's
 * {@code --add-opens} (Hazelcast needs them) and the shipped log configuration. Its output (stdout
 * and stderr together) is read line by line by a daemon thread, so a test can wait for a line
 * without polling, count lines, and read it all once the child ended. Stop it with {@link #kill()}
 * (SIGKILL) or let it end; {@link #close()} kills it if it still runs.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final String awaited;
  private final CountDownLatch seen = new CountDownLatch(1);
  private final Thread reader;

  private ChildJvm(List<String> command, String awaited) throws IOException {
    this.awaited = awaited;
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    reader = new Thread(this::read, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} with {@code args}.
   *
   * @param awaited a text {@link #awaitLine} waits for in the output, or {@code null}
   * @param properties system properties as {@code name=value}
   */
  public static ChildJvm start(Class<?> main, String awaited, List<String> properties, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(argument -> argument.startsWith("--add-"))
        .forEach(command::add);
    command.add("-Dhazelcast.logging.type=slf4j");
    command.add("-Dlogback.configurationFile=" + logConfiguration());
    properties.forEach(property -> command.add("-D" + property));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ChildJvm(command, awaited);
  }

  private static Path logConfiguration() {
    URL shipped = ChildJvm.class.getResource("/logback.xml");
    try {
      return Path.of(shipped.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the log configuration's URL " + shipped, e);
    }
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (awaited != null && line.contains(awaited)) {
          seen.countDown();
        }
      }
    } catch (IOException e) {
      output.append("reading the child's output failed: ").append(e).append('\n');
    }
  }

  /** Whether a line with the awaited text appeared within the time given. */
  public boolean awaitLine(long timeout, TimeUnit unit) throws InterruptedException {
    return seen.await(timeout, unit);
  }

  /** The output so far. */
  public String output() {
    return output.toString();
  }

  /** How many lines so far contain {@code text}. */
  public long count(String text) {
    return output().lines().filter(line -> line.contains(text)).count();
  }

  /** Kills the child with SIGKILL and waits for it to be gone; returns its whole output. */
  public String kill() throws InterruptedException {
    process.destroyForcibly();
    return finish(30, TimeUnit.SECONDS);
  }

  /**
   * Waits for the child to end by itself and for its output to be read.
   *
   * @return the whole output
   * @throws IllegalStateException when it did not end in time (it is killed then)
   */
  public String finish(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException("the child did not end within " + timeout + " " + unit + "; output:\n"
          + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    return output();
  }

  /** The exit code of a child that ended. */
  public int exitValue() {
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
