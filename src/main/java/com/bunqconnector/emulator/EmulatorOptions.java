package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link BunqEmulator}: where it listens, how sandbox users start, which users and
 * OAuth clients are seeded, how long sessions live and how callbacks are retried. A plain mutable
 * data object with fluent setters, a JSON constructor and {@link #toJson()}; field names in JSON
 * equal the setter names.
 */
public class EmulatorOptions {

  /** Default listen host: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default listen port: 0, a random free port chosen by the OS. */
  public static final int DEFAULT_PORT = 0;
  /** Default opening balance of each sandbox user's account, in EUR, so demo users can pay each other. */
  public static final String DEFAULT_INITIAL_BALANCE = "500.00";
  /** Default session lifetime in seconds: one week, bunq's default auto-logout. */
  public static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 604_800;
  /** Default pause between callback delivery attempts: one minute, as bunq. */
  public static final long DEFAULT_CALLBACK_RETRY_INTERVAL_MS = 60_000;
  /** Default number of retries after a failed callback delivery: 5, as bunq (6 attempts in all). */
  public static final int DEFAULT_CALLBACK_RETRIES = 5;
  /** Default time allowed for one callback delivery attempt. */
  public static final long DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
  /** Default number of worker threads for key generation and signing. */
  public static final int DEFAULT_CRYPTO_POOL_SIZE = 2;
  /** Default memory of {@code X-Bunq-Client-Request-Id}s per installation: one hour. */
  public static final int DEFAULT_REQUEST_ID_TTL_SECONDS = 3_600;
  /** Default bound on the bytes of all uploaded files the emulator holds: 32 MiB. */
  public static final long DEFAULT_ATTACHMENT_STORAGE_BYTES = 32L * 1024 * 1024;
  private static final Pattern BALANCE = Pattern.compile("\\d{1,12}(\\.\\d{1,2})?");

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String initialBalance = DEFAULT_INITIAL_BALANCE;
  private int sessionTimeoutSeconds = DEFAULT_SESSION_TIMEOUT_SECONDS;
  private long callbackRetryIntervalMs = DEFAULT_CALLBACK_RETRY_INTERVAL_MS;
  private int callbackRetries = DEFAULT_CALLBACK_RETRIES;
  private long callbackTimeoutMs = DEFAULT_CALLBACK_TIMEOUT_MS;
  private int cryptoPoolSize = DEFAULT_CRYPTO_POOL_SIZE;
  private EmulatorSeed seed = EmulatorSeed.EMPTY;
  /** The emulator's time source; programmatic only (not in JSON), so tests can move time on. */
  private Clock clock = Clock.systemUTC();

  // --- Limits, request ids and signature strictness (issue #3, emu-limits) ---
  /** bunq's per-IP, per-endpoint rate limits; JSON key {@code rateLimits}, an object. */
  private RateLimitOptions rateLimits = new RateLimitOptions();
  /** Whether a present but wrong signature fails every call with a token, not only where bunq requires one. */
  private boolean strictSignatures;
  /** How long a used request id stays refused on its installation. */
  private int requestIdTtlSeconds = DEFAULT_REQUEST_ID_TTL_SECONDS;
  /** Where the emulator keeps its state across restarts; null keeps everything in memory only. */
  private Path dataDir;
  /** Whether notification filters accept https targets only, as bunq; off so the demo can use plain http. */
  private boolean httpsCallbacksOnly;
  /** Whether payments are held to their account's daily_limit; off so the demo's endless rounds never stop. */
  private boolean enforceDailyLimits;
  /** The bytes of uploaded files (attachments) the emulator holds at most. */
  private long attachmentStorageBytes = DEFAULT_ATTACHMENT_STORAGE_BYTES;

  /** Options with every default. */
  public EmulatorOptions() {
  }

  /** A copy of {@code other}. */
  public EmulatorOptions(EmulatorOptions other) {
    this(other.toJson());
    this.clock = other.clock;
  }

  /**
   * Options from JSON; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException if a value is out of range (the message names the field)
   */
  public EmulatorOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setInitialBalance(json.getString("initialBalance", DEFAULT_INITIAL_BALANCE));
    setSessionTimeoutSeconds(json.getInteger("sessionTimeoutSeconds", DEFAULT_SESSION_TIMEOUT_SECONDS));
    setCallbackRetryIntervalMs(json.getLong("callbackRetryIntervalMs", DEFAULT_CALLBACK_RETRY_INTERVAL_MS));
    setCallbackRetries(json.getInteger("callbackRetries", DEFAULT_CALLBACK_RETRIES));
    setCallbackTimeoutMs(json.getLong("callbackTimeoutMs", DEFAULT_CALLBACK_TIMEOUT_MS));
    setCryptoPoolSize(json.getInteger("cryptoPoolSize", DEFAULT_CRYPTO_POOL_SIZE));
    setRateLimits(new RateLimitOptions(json.getJsonObject("rateLimits", new JsonObject())));
    setStrictSignatures(json.getBoolean("strictSignatures", false));
    setRequestIdTtlSeconds(json.getInteger("requestIdTtlSeconds", DEFAULT_REQUEST_ID_TTL_SECONDS));
    setSeed(seedFrom(json.getValue("seed")));
    setDataDir(pathFrom(json.getValue("dataDir")));
    setHttpsCallbacksOnly(json.getBoolean("httpsCallbacksOnly", false));
    setEnforceDailyLimits(json.getBoolean("enforceDailyLimits", false));
    setAttachmentStorageBytes(json.getLong("attachmentStorageBytes", DEFAULT_ATTACHMENT_STORAGE_BYTES));
  }

  /** These options as JSON, readable by {@link #EmulatorOptions(JsonObject)}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("initialBalance", initialBalance)
        .put("sessionTimeoutSeconds", sessionTimeoutSeconds)
        .put("callbackRetryIntervalMs", callbackRetryIntervalMs)
        .put("callbackRetries", callbackRetries)
        .put("callbackTimeoutMs", callbackTimeoutMs)
        .put("cryptoPoolSize", cryptoPoolSize)
        .put("rateLimits", rateLimits.toJson())
        .put("strictSignatures", strictSignatures)
        .put("requestIdTtlSeconds", requestIdTtlSeconds)
        .put("seed", seed.toJson())
        .put("dataDir", dataDir == null ? null : dataDir.toString())
        .put("httpsCallbacksOnly", httpsCallbacksOnly)
        .put("enforceDailyLimits", enforceDailyLimits)
        .put("attachmentStorageBytes", attachmentStorageBytes);
  }

  public String getHost() {
    return host;
  }

  /** Sets the interface to listen on. */
  public EmulatorOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** Sets the port to listen on; 0 picks a free port. */
  public EmulatorOptions setPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    this.port = port;
    return this;
  }

  public String getInitialBalance() {
    return initialBalance;
  }

  /**
   * Sets the opening balance of new sandbox accounts: plain digits with at most two decimals and at
   * most 12 integer digits, such as {@code "1000.00"} (no sign, no exponent).
   */
  public EmulatorOptions setInitialBalance(String initialBalance) {
    if (initialBalance == null || !BALANCE.matcher(initialBalance).matches()) {
      throw new IllegalArgumentException("initialBalance must be digits with at most 2 decimals, like 1000.00, was "
          + initialBalance);
    }
    this.initialBalance = initialBalance;
    return this;
  }

  public int getSessionTimeoutSeconds() {
    return sessionTimeoutSeconds;
  }

  /** Sets the {@code session_timeout} of sandbox users, after which their sessions expire. */
  public EmulatorOptions setSessionTimeoutSeconds(int sessionTimeoutSeconds) {
    if (sessionTimeoutSeconds < 1) {
      throw new IllegalArgumentException("sessionTimeoutSeconds must be >= 1, was " + sessionTimeoutSeconds);
    }
    this.sessionTimeoutSeconds = sessionTimeoutSeconds;
    return this;
  }

  public long getCallbackRetryIntervalMs() {
    return callbackRetryIntervalMs;
  }

  /** Sets the pause between callback delivery attempts. */
  public EmulatorOptions setCallbackRetryIntervalMs(long callbackRetryIntervalMs) {
    if (callbackRetryIntervalMs < 1) {
      throw new IllegalArgumentException("callbackRetryIntervalMs must be >= 1, was " + callbackRetryIntervalMs);
    }
    this.callbackRetryIntervalMs = callbackRetryIntervalMs;
    return this;
  }

  public int getCallbackRetries() {
    return callbackRetries;
  }

  /** Sets how many times a failed callback is retried before it is recorded as failed. */
  public EmulatorOptions setCallbackRetries(int callbackRetries) {
    if (callbackRetries < 0) {
      throw new IllegalArgumentException("callbackRetries must be >= 0, was " + callbackRetries);
    }
    this.callbackRetries = callbackRetries;
    return this;
  }

  public long getCallbackTimeoutMs() {
    return callbackTimeoutMs;
  }

  /** Sets the time allowed for one callback delivery attempt. */
  public EmulatorOptions setCallbackTimeoutMs(long callbackTimeoutMs) {
    if (callbackTimeoutMs < 1) {
      throw new IllegalArgumentException("callbackTimeoutMs must be >= 1, was " + callbackTimeoutMs);
    }
    this.callbackTimeoutMs = callbackTimeoutMs;
    return this;
  }

  public int getCryptoPoolSize() {
    return cryptoPoolSize;
  }

  /** Sets the number of worker threads used for key generation and signing. */
  public EmulatorOptions setCryptoPoolSize(int cryptoPoolSize) {
    if (cryptoPoolSize < 1) {
      throw new IllegalArgumentException("cryptoPoolSize must be >= 1, was " + cryptoPoolSize);
    }
    this.cryptoPoolSize = cryptoPoolSize;
    return this;
  }

  /** The users and OAuth clients created at start; {@link EmulatorSeed#EMPTY} by default. */
  public EmulatorSeed getSeed() {
    return seed;
  }

  /**
   * Sets the users and OAuth clients created at start (JSON key {@code seed}, in the seed-file
   * format of {@link EmulatorSeed}). Seeded users without their own balance or session timeout take
   * {@code initialBalance} and {@code sessionTimeoutSeconds}.
   */
  public EmulatorOptions setSeed(EmulatorSeed seed) {
    this.seed = Objects.requireNonNull(seed, "seed");
    return this;
  }

  /** The clock the emulator reads: creation times, session expiry. */
  public Clock getClock() {
    return clock;
  }

  /** Replaces the emulator's clock (for tests that let a session expire without waiting). */
  public EmulatorOptions setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  // --- Limits, request ids and signature strictness (issue #3, emu-limits) ---

  /** The rate limits (a live object: changing it before {@link BunqEmulator#start} changes these options). */
  public RateLimitOptions getRateLimits() {
    return rateLimits;
  }

  /** Replaces the rate limits; the emulator copies them at start. */
  public EmulatorOptions setRateLimits(RateLimitOptions rateLimits) {
    this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
    return this;
  }

  public boolean isStrictSignatures() {
    return strictSignatures;
  }

  /**
   * In strict mode a present {@code X-Bunq-Client-Signature} is verified on every call that carries a
   * token, and a wrong one fails with 401. Off (the default), signatures are checked only where bunq
   * requires them (session-server and payment-executing calls) and ignored elsewhere.
   */
  public EmulatorOptions setStrictSignatures(boolean strictSignatures) {
    this.strictSignatures = strictSignatures;
    return this;
  }

  public int getRequestIdTtlSeconds() {
    return requestIdTtlSeconds;
  }

  /** Sets how long a used {@code X-Bunq-Client-Request-Id} is remembered (and refused) per installation. */
  public EmulatorOptions setRequestIdTtlSeconds(int requestIdTtlSeconds) {
    if (requestIdTtlSeconds < 1) {
      throw new IllegalArgumentException("requestIdTtlSeconds must be >= 1, was " + requestIdTtlSeconds);
    }
    this.requestIdTtlSeconds = requestIdTtlSeconds;
    return this;
  }

  /** The directory holding the emulator's state file; null (the default) when the state lives in memory only. */
  public Path getDataDir() {
    return dataDir;
  }

  /**
   * Makes the emulator durable (JSON key {@code dataDir}, a path): its users, keys, installations,
   * sessions, accounts and everything else a client relies on are kept in {@code dataDir} (created
   * if missing) and loaded again at the next start, and a call is answered only once its changes
   * are on disk there. A directory that already holds state is not seeded again. Null (the default)
   * keeps everything in memory, lost at stop.
   */
  public EmulatorOptions setDataDir(Path dataDir) {
    this.dataDir = dataDir;
    return this;
  }

  public boolean isHttpsCallbacksOnly() {
    return httpsCallbacksOnly;
  }

  /**
   * When on (JSON key {@code httpsCallbacksOnly}), a notification filter with an http target is refused
   * with a 400, as bunq delivers callbacks over https only. Off (the default), http targets are accepted
   * too, so that a connector without TLS (the demo) can receive callbacks on 127.0.0.1.
   */
  public EmulatorOptions setHttpsCallbacksOnly(boolean httpsCallbacksOnly) {
    this.httpsCallbacksOnly = httpsCallbacksOnly;
    return this;
  }

  public boolean isEnforceDailyLimits() {
    return enforceDailyLimits;
  }

  /**
   * When on (JSON key {@code enforceDailyLimits}), a payment that would take an account's outgoing
   * payments of the day (Amsterdam time) beyond its {@code daily_limit} is refused with a 400. Off (the
   * default), only the balance limits payments, so that the demo's payment rounds can run for days.
   */
  public EmulatorOptions setEnforceDailyLimits(boolean enforceDailyLimits) {
    this.enforceDailyLimits = enforceDailyLimits;
    return this;
  }

  public long getAttachmentStorageBytes() {
    return attachmentStorageBytes;
  }

  /**
   * Bounds the bytes of all files uploaded as attachments (JSON key {@code attachmentStorageBytes}):
   * an upload that would take them beyond it is refused with a 400. The files stay for the emulator's
   * life (in a durable emulator, in its journal), as bunq's do.
   */
  public EmulatorOptions setAttachmentStorageBytes(long attachmentStorageBytes) {
    if (attachmentStorageBytes < 0) {
      throw new IllegalArgumentException("attachmentStorageBytes must be >= 0, was " + attachmentStorageBytes);
    }
    this.attachmentStorageBytes = attachmentStorageBytes;
    return this;
  }

  private static Path pathFrom(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String dir) || dir.isBlank()) {
      throw new IllegalArgumentException("dataDir must be a directory path; leave it out to keep the state in memory,"
          + " was " + value);
    }
    try {
      return Path.of(dir);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("dataDir is not a valid path: " + e.getMessage(), e);
    }
  }

  private static EmulatorSeed seedFrom(Object value) {
    if (value == null) {
      return EmulatorSeed.EMPTY;
    }
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException("seed: must be an object such as {\"users\":[...],\"oauthClients\":[...]}");
    }
    try {
      return new EmulatorSeed(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("seed." + e.getMessage(), e);
    }
  }
}
