package com.bunqconnector.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private, throwaway PostgreSQL server for a test class: {@code initdb} into a temporary
 * directory and {@code pg_ctl start} on 127.0.0.1 at a free port, stopped and deleted after the
 * class. Run as root (as in CI), the server runs as the {@code postgres} system user, since
 * PostgreSQL refuses root. Register it as a static {@code @RegisterExtension} field.
 *
 * <p>The binaries come from {@code PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin}, else
 * {@code pg_config --bindir}. Without them the class fails, saying what to install.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {

  /** The superuser of the throwaway server (trust authentication on 127.0.0.1). */
  public static final String USER = "postgres";

  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final AtomicInteger databases = new AtomicInteger();
  private Path bin;
  private Path home;
  private Path data;
  private int port;
  private boolean asPostgresUser;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    bin = binaries();
    home = Files.createTempDirectory("bunq-pg-");
    data = home.resolve("data");
    Path sockets = Files.createDirectories(home.resolve("sockets"));
    asPostgresUser = "root".equals(System.getProperty("user.name"));
    if (asPostgresUser) {
      run(List.of("chown", "-R", "postgres:postgres", home.toString()), false);
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
        "--no-sync"), asPostgresUser);
    port = freePort();
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", home.resolve("server.log").toString(),
        "-w", "-t", "30", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + sockets
        + " -c fsync=off", "start"), asPostgresUser);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (data != null && Files.exists(data.resolve("postmaster.pid"))) {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"),
            asPostgresUser);
      }
    } finally {
      if (home != null) {
        try (Stream<Path> files = Files.walk(home)) {
          files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }
  }

  /** A new empty database on the server, as a JDBC URL. */
  public String newDatabase() {
    String name = "bunq_test_" + databases.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** The JDBC URL of database {@code name} on the server. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  private static Path binaries() throws IOException, InterruptedException {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("PG_BIN");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.map(version -> version.resolve("bin"))
            .sorted(Comparator.comparing((Path dir) -> versionOf(dir)).reversed())
            .forEach(candidates::add);
      }
    }
    Path fromPgConfig = pgConfigBinDir();
    if (fromPgConfig != null) {
      candidates.add(fromPgConfig);
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) were not found in " + candidates
        + ": install the Debian package postgresql (apt-get install postgresql), or set PG_BIN to their"
        + " directory; the PostgreSQL tests need a real server");
  }

  private static int versionOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Path pgConfigBinDir() throws InterruptedException {
    try {
      Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? Path.of(out) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("bunq-pg-command", ".log");
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
          .directory(home.toFile()).start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " did not finish in " + COMMAND_TIMEOUT_SECONDS
            + " s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed (exit " + process.exitValue() + "):\n"
            + Files.readString(output) + serverLog());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String serverLog() {
    Path log = home.resolve("server.log");
    try {
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
