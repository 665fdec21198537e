package com.bunqconnector.cli;

import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.emulator.SeededOauthClient;
import com.bunqconnector.emulator.SeededUser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The standalone bunq emulator: starts it with seeded users, prints the base URL and every seeded
 * user's and OAuth client's credentials on standard output (a local test server: showing the keys
 * is the point; they never go to the log), then serves until SIGINT/SIGTERM and stops gracefully.
 */
@Command(name = "emulator", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the bunq emulator alone, for bunq clients (SDKs, Postman, your own code) to use offline.",
        "Prints the API base URL and one line per seeded user: kind, user id, IBAN, API key, display name."})
final class EmulatorCommand implements Callable<Integer> {

  /** Default port of the standalone emulator (the embedded one picks a free port). */
  static final int DEFAULT_PORT = 18_080;
  /** Generated persons when neither {@code --users} nor {@code --seed} is given. */
  static final int DEFAULT_USERS = 3;

  private static final Logger log = LoggerFactory.getLogger(EmulatorCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST", description = "interface to listen on (default: ${DEFAULT-VALUE})")
  String host = EmulatorOptions.DEFAULT_HOST;

  @Option(names = "--port", paramLabel = "PORT",
      description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port = DEFAULT_PORT;

  @Option(names = "--users", paramLabel = "N",
      description = "generated UserPerson users to seed, after those of --seed (default: 3, or 0 with --seed)")
  Integer users;

  @Option(names = "--seed", paramLabel = "FILE",
      description = "JSON seed file: {\"users\":[...],\"oauthClients\":[...]} (see the README)")
  Path seed;

  @Option(names = "--session-timeout", paramLabel = "SECONDS",
      description = "session_timeout of users that set none (default: ${DEFAULT-VALUE}, one week)")
  int sessionTimeout = EmulatorOptions.DEFAULT_SESSION_TIMEOUT_SECONDS;

  @Option(names = "--initial-balance", paramLabel = "AMOUNT",
      description = "opening EUR balance of accounts that set none (default: ${DEFAULT-VALUE})")
  String initialBalance = EmulatorOptions.DEFAULT_INITIAL_BALANCE;

  @Option(names = "--no-rate-limits",
      description = "never answer 429; by default the emulator enforces bunq's per-IP call limits")
  boolean noRateLimits;

  @Option(names = "--strict-signatures",
      description = "check X-Bunq-Client-Signature on every call with a token that carries one (a wrong one gets "
          + "401); without it, signatures are checked only where bunq requires them")
  boolean strictSignatures;

  @Option(names = "--https-callbacks-only",
      description = "refuse notification filters with an http target, as bunq does; by default http is accepted "
          + "too, for a connector without TLS")
  boolean httpsCallbacksOnly;

  @Option(names = "--enforce-daily-limits",
      description = "refuse payments beyond their account's daily_limit for the day, as bunq does; off by default")
  boolean enforceDailyLimits;

  @Option(names = "--request-id-ttl", paramLabel = "SECONDS",
      description = "how long a reused X-Bunq-Client-Request-Id is refused (default: ${DEFAULT-VALUE})")
  int requestIdTtl = EmulatorOptions.DEFAULT_REQUEST_ID_TTL_SECONDS;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "keep users, keys, installations, sessions, accounts and payments in DIR across restarts "
          + "(created if missing); a DIR that holds state is not seeded again. Default: in memory only")
  Path dataDir;

  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() {
    EmulatorOptions options = options();
    Thread hook = new Thread(this::interrupted, "bunq-emulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Vertx vertx = Vertx.vertx();
    try {
      BunqEmulator emulator = BunqEmulator.start(vertx, options)
          .recover(e -> Future.failedFuture(RunCommand.isBindFailure(e)
              ? new IllegalStateException("cannot listen on " + options.getHost() + ":" + options.getPort() + ": "
                  + e.getMessage() + " (another process has that port: choose another with --port, or 0 for any)", e)
              : e))
          .await();
      print(emulator, spec.commandLine().getOut());
      started.countDown();
      awaitStop();
      log.info("Stopping the bunq emulator");
      emulator.stop().await();
      return 0;
    } finally {
      vertx.close().await();
      finished.countDown();
      removeHook(hook);
    }
  }

  /** Asks a running command to stop, as SIGINT would; returns at once. */
  void stop() {
    stopRequested.countDown();
  }

  /** Waits until the emulator has started and its credentials are printed; false on timeout. */
  boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
    return started.await(timeout, unit);
  }

  /** Waits until the command has stopped and released its resources; false on timeout. */
  boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
    return finished.await(timeout, unit);
  }

  EmulatorOptions options() {
    if (users != null && users < 0) {
      throw new ParameterException(spec.commandLine(), "--users must be >= 0, was " + users);
    }
    EmulatorSeed fromFile = seed == null ? EmulatorSeed.EMPTY : EmulatorSeed.read(seed);
    int generated = users != null ? users : seed == null ? DEFAULT_USERS : 0;
    try {
      return new EmulatorOptions()
          .setHost(host)
          .setPort(port)
          .setSessionTimeoutSeconds(sessionTimeout)
          .setInitialBalance(initialBalance)
          .setRateLimits(new RateLimitOptions().setEnabled(!noRateLimits))
          .setStrictSignatures(strictSignatures)
          .setHttpsCallbacksOnly(httpsCallbacksOnly)
          .setEnforceDailyLimits(enforceDailyLimits)
          .setRequestIdTtlSeconds(requestIdTtl)
          .setDataDir(dataDir)
          .setSeed(fromFile.withGeneratedPersons(generated));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private static void print(BunqEmulator emulator, PrintWriter out) {
    out.println("bunq emulator: " + emulator.baseUrl());
    out.println("oauth: authorize " + emulator.authorizeUrl() + "  token " + emulator.baseUrl() + "/token");
    for (SeededUser user : emulator.seededUsers()) {
      out.println(String.join(" ", "user", user.kind(), Long.toString(user.userId()),
          user.iban() == null ? "-" : user.iban(), user.apiKey(), user.displayName()));
    }
    for (SeededOauthClient client : emulator.seededOauthClients()) {
      out.println(String.join(" ", "oauth-client", Long.toString(client.ownerUserId()), client.clientId(),
          client.clientSecret(), String.join(",", client.redirectUris())));
    }
    out.println("Ctrl-C stops it.");
    out.flush();
  }

  private void awaitStop() {
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void interrupted() {
    stopRequested.countDown();
    try {
      finished.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down (the hook is running): nothing to remove.
    }
  }
}
