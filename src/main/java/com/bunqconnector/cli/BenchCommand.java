package com.bunqconnector.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.RsaProvider;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.crypto.Signatures;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.emulator.SeededUser;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import com.bunqconnector.session.Warmup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Benchmarks of the connector's own code paths, each ending with one line of figures:
 * {@code bench contexts} (creating and holding many contexts against an in-process emulator) and
 * {@code bench sign} (request signing on one thread).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure context creation, the heap an idle context costs, and signing speed.",
    subcommands = {BenchCommand.Contexts.class, BenchCommand.Sign.class})
final class BenchCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Opens {@code --count} contexts through the connector's session path (warm-up, session manager,
   * context factory, session store, as a node wires them) against an in-process emulator with rate
   * limits and session pacing off, holds them idle and measures the heap the connector side holds
   * for them: used heap after full collections with the contexts held, minus the same after the
   * connector side (map entries, registered users, manager, factory) is dropped and the emulator
   * kept, divided by the count.
   */
  @Command(name = "contexts", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Open N contexts against an in-process emulator, hold them idle and measure the connector's "
          + "heap per context.",
          "Last line: contexts: count=N created_per_s=R heap_bytes_per_context=B",
          "The heap figure is a difference of two readings: below about 1000 contexts it is within GC noise"
              + " (it can even be negative)."})
  static final class Contexts implements Callable<Integer> {

    private static final String TENANT = "bench";
    private static final int SETTLE_GCS = 5;
    /** Fewest contexts whose heap difference stands out from the collector's noise. */
    private static final int RELIABLE_HEAP_COUNT = 1_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "contexts to open (default: ${DEFAULT-VALUE})")
    int count = 1_000;

    @Option(names = "--concurrency", paramLabel = "C",
        description = "contexts opened at the same time (default: ${DEFAULT-VALUE})")
    int concurrency = 16;

    @Option(names = "--crypto-threads", paramLabel = "T",
        description = "crypto worker threads of the connector and of the emulator each (default: the number of "
            + "cores, ${DEFAULT-VALUE})")
    int cryptoThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
        description = "give up if opening the contexts takes longer (default: 30m)")
    Duration timeout = Duration.ofMinutes(30);

    @Option(names = "--verbose", description = "log every context and emulator call, not only progress")
    boolean verbose;

    @Override
    public Integer call() {
      if (count < 1 || concurrency < 1 || cryptoThreads < 1) {
        throw new ParameterException(spec.commandLine(), "--count, --concurrency and --crypto-threads must be >= 1");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("bench contexts: RSA provider " + RsaProvider.selected().description());
      out.flush();
      Runnable restoreLogs = verbose ? () -> { } : quietLogs();
      Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(20, cryptoThreads)));
      try {
        BunqEmulator emulator = BunqEmulator.start(vertx, new EmulatorOptions()
            .setRateLimits(new RateLimitOptions().setEnabled(false))
            .setCryptoPoolSize(cryptoThreads)
            .setSeed(EmulatorSeed.EMPTY.withGeneratedPersons(count))).await();
        Connector connector = new Connector(vertx, cryptoThreads);
        connector.register(emulator, TENANT);
        long started = System.nanoTime();
        JsonObject progress = new Warmup(vertx, connector.sessions, concurrency, 5_000).start()
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).await();
        double seconds = (System.nanoTime() - started) / 1e9;
        int ready = progress.getInteger("ready");
        if (ready != count) {
          throw new IllegalStateException(progress.getInteger("failed") + " of " + count
              + " contexts could not be opened (see the log)");
        }
        int stored = connector.store.size().await();
        // Idle contexts: the few the warm-up read last are not kept opened (a fixed cost, not a per-context one).
        connector.store.forgetOpened();
        long held = usedHeapAfterGc();
        connector.dropContexts(vertx);
        long dropped = usedHeapAfterGc();
        connector.close();
        out.println("bench contexts: " + stored + " stored; used heap after GC " + held + " bytes with the contexts, "
            + dropped + " without the connector side (emulator kept)");
        if (count < RELIABLE_HEAP_COUNT) {
          out.println("bench contexts: with fewer than " + RELIABLE_HEAP_COUNT + " contexts the heap figure is within"
              + " the garbage collector's noise; use --count " + RELIABLE_HEAP_COUNT + " or more to measure it");
        }
        out.println(String.format(Locale.ROOT, "contexts: count=%d created_per_s=%.1f heap_bytes_per_context=%d",
            count, count / seconds, Math.round((double) (held - dropped) / count)));
        out.flush();
        return 0;
      } finally {
        vertx.close().await();
        restoreLogs.run();
      }
    }

    /**
     * Keeps the warm-up's progress and warnings only, as per-context INFO lines would cost more than
     * the contexts; returns what puts the levels back.
     */
    private static Runnable quietLogs() {
      Logger project = (Logger) LoggerFactory.getLogger("com.bunqconnector");
      Logger warmup = (Logger) LoggerFactory.getLogger(Warmup.class);
      Level projectLevel = project.getLevel();
      Level warmupLevel = warmup.getLevel();
      project.setLevel(Level.WARN);
      warmup.setLevel(Level.INFO);
      return () -> {
        project.setLevel(projectLevel);
        warmup.setLevel(warmupLevel);
      };
    }

    /**
     * Used heap after full collections: the smallest of several readings, each after a collection
     * and a short settle, so that garbage and objects waiting for finalisation are not counted.
     */
    private static long usedHeapAfterGc() {
      long least = Long.MAX_VALUE;
      for (int i = 0; i < SETTLE_GCS; i++) {
        System.gc();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      }
      return least;
    }
  }

  /**
   * A node's session path ({@link SessionPath}, as {@link ConnectorNode} runs on), with pacing and the
   * rate limiter off (the emulator keeps no limits here either). The crypto pool and HTTP client cost
   * the same for any number of contexts and are closed only after the heap readings; the map entries,
   * registered users, manager, factory and store are what {@link #dropContexts} lets go.
   */
  private static final class Connector {
    private final CryptoWorker crypto;
    private final HttpClient web;
    private SessionStore store;
    private SessionManager sessions;

    Connector(Vertx vertx, int cryptoThreads) {
      NodeConfig node = NodeConfig.of("bench contexts' node", new JsonObject()
          .put("workerPoolSize", cryptoThreads)
          .put("pacing", new JsonObject().put("enabled", false))
          .put("rateLimits", new JsonObject().put("enabled", false)));
      SessionPath path = new SessionPath(vertx, node, SecretBox.ephemeral());
      crypto = path.crypto;
      web = path.web;
      store = path.store;
      sessions = path.sessions;
    }

    /** Registers one user per seeded emulator user, with its API key. */
    void register(BunqEmulator emulator, String tenant) {
      List<SeededUser> users = emulator.seededUsers();
      String baseUrl = emulator.baseUrl();
      for (int i = 0; i < users.size(); i++) {
        sessions.register(new UserSpec(tenant, "user-" + i, baseUrl, users.get(i).apiKey(), List.of(), false));
      }
    }

    /** Empties the session map and lets go of the manager, its users and the store. */
    void dropContexts(Vertx vertx) {
      vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).compose(AsyncMap::clear).await();
      store = null;
      sessions = null;
    }

    void close() {
      web.close().await();
      crypto.close().await();
    }
  }

  /** Signs a 300-byte body on one thread with the connector's signer, for each provider asked for. */
  @Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Sign a 300-byte body on one thread with the connector's signer (SHA256withRSA, base64).",
          "Last line: sign: provider=P ops_per_s=X (one such line per provider, in the order given)"})
  static final class Sign implements Callable<Integer> {

    /** Bytes signed per operation, about a typical payment request body. */
    static final int BODY_BYTES = 300;

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S",
        description = "measuring time per provider (default: ${DEFAULT-VALUE})")
    int seconds = 10;

    @Option(names = "--warmup", paramLabel = "S",
        description = "unmeasured signing before each measurement, for the JIT (default: ${DEFAULT-VALUE})")
    int warmup = 2;

    @Option(names = "--provider", paramLabel = "P", split = ",",
        description = "auto (as the connector chooses, see -D" + RsaProvider.PROPERTY + "), accp or jdk; "
            + "a list such as jdk,accp compares them in one run (default: auto)")
    List<String> providers = List.of("auto");

    @Override
    public Integer call() {
      if (seconds < 1 || warmup < 0) {
        throw new ParameterException(spec.commandLine(), "--seconds must be >= 1 and --warmup >= 0");
      }
      List<RsaProvider> chosen = new ArrayList<>();
      for (String name : providers) {
        RsaProvider.Choice choice;
        try {
          choice = RsaProvider.Choice.parse(name, "--provider");
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        chosen.add(choice == RsaProvider.Choice.AUTO ? RsaProvider.selected() : RsaProvider.of(choice));
      }
      PrintWriter out = spec.commandLine().getOut();
      byte[] body = body();
      for (RsaProvider provider : chosen) {
        out.println("bench sign: " + provider.description());
        out.flush();
        out.println(String.format(Locale.ROOT, "sign: provider=%s ops_per_s=%.0f", provider.shortName(),
            measure(provider, body)));
        out.flush();
      }
      return 0;
    }

    private double measure(RsaProvider provider, byte[] body) {
      KeyPair keys = RsaKeys.generate(provider);
      PrivateKey key = RsaKeys.privateKeyFromPem(RsaKeys.privateKeyToPem(keys.getPrivate()), provider);
      signFor(provider, key, body, TimeUnit.SECONDS.toNanos(warmup));
      Run run = signFor(provider, key, body, TimeUnit.SECONDS.toNanos(seconds));
      if (!Signatures.verify(RsaProvider.of(RsaProvider.Choice.JDK), keys.getPublic(), body, run.lastSignature())) {
        throw new IllegalStateException(provider.name() + " made a signature that the JDK does not verify");
      }
      return run.signed() / (run.nanos() / 1e9);
    }

    /** What a timed stretch of signing did. */
    private record Run(String lastSignature, long signed, long nanos) {
    }

    /** Signs for about {@code nanos} (at least once). */
    private static Run signFor(RsaProvider provider, PrivateKey key, byte[] body, long nanos) {
      String last;
      long signed = 0;
      long start = System.nanoTime();
      long elapsed;
      do {
        last = Signatures.sign(provider, key, body);
        signed++;
        elapsed = System.nanoTime() - start;
      } while (elapsed < nanos);
      return new Run(last, signed, elapsed);
    }

    /** A 300-byte JSON body shaped like a payment request. */
    static byte[] body() {
      StringBuilder json = new StringBuilder("{\"amount\":{\"value\":\"12.50\",\"currency\":\"EUR\"},"
          + "\"counterparty_alias\":{\"type\":\"IBAN\",\"value\":\"NL02BUNQ2025012345\",\"name\":\"Bench\"},"
          + "\"description\":\"");
      while (json.length() < BODY_BYTES - 2) {
        json.append('x');
      }
      return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
    }
  }
}
