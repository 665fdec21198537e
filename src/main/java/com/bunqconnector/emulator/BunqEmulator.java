package com.bunqconnector.emulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A local, in-memory emulator of bunq's public REST API (sandbox flavour): sandbox and seeded
 * users (persons, companies, payment service providers), installation, device-server,
 * session-server with bunq's session lifecycle, OAuth (authorization code, UserApiKey sessions),
 * monetary accounts, payments with bunq pagination, URL notification filters and callbacks, with
 * bunq's envelopes, headers, error texts and RSA body signatures (client signatures verified over
 * the raw bytes, every response signed with the installation's server key).
 *
 * <p>All state lives in one verticle on one event-loop context and is lost on {@link #stop()}.
 * Key generation and signing run on a worker pool named {@code bunq-emulator-crypto}.
 *
 * <p>Not thread-safe to start and stop concurrently; {@link #port()} and {@link #baseUrl()} may be
 * read from any thread once {@link #start} has completed.
 */
public final class BunqEmulator {

  private final Vertx vertx;
  private final String deploymentId;
  private final EmulatorVerticle verticle;
  private final String host;
  private Future<Void> stopped;

  private BunqEmulator(Vertx vertx, String deploymentId, EmulatorVerticle verticle, String host) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
    this.host = host;
  }

  /**
   * Starts an emulator listening on {@code options.host}:{@code options.port} (port 0 picks a free
   * port). The options are copied. Fails if the port cannot be bound.
   */
  public static Future<BunqEmulator> start(Vertx vertx, EmulatorOptions options) {
    EmulatorOptions copy = new EmulatorOptions(options);
    EmulatorVerticle verticle = new EmulatorVerticle(copy);
    return vertx.deployVerticle(verticle).map(id -> new BunqEmulator(vertx, id, verticle, copy.getHost()));
  }

  /** The port actually listened on. */
  public int port() {
    return verticle.port();
  }

  /**
   * Fault injection into this emulator (latency, 5xx, dropped connections, forced 429s, server key
   * rotation, API key revocation, early session expiry); usable from any thread once started.
   */
  public Faults faults() {
    return verticle.faults();
  }

  /** The API base URL, {@code http://<host>:<port>/v1}, without a trailing slash. */
  public String baseUrl() {
    return origin() + "/v1";
  }

  /**
   * The OAuth authorization URL, {@code http://<host>:<port>/auth} (bunq's is
   * {@code https://oauth.sandbox.bunq.com/auth}); the token URL is {@link #baseUrl()} + {@code /token}.
   */
  public String authorizeUrl() {
    return origin() + "/auth";
  }

  /** The users created from {@link EmulatorOptions#getSeed()}, in seed order, with their API keys. */
  public List<SeededUser> seededUsers() {
    return verticle.seeded().users();
  }

  /** The OAuth clients created from the seed, in seed order, with their credentials. */
  public List<SeededOauthClient> seededOauthClients() {
    return verticle.seeded().oauthClients();
  }

  private String origin() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + shownHost + ":" + port();
  }

  /**
   * Stops the server, cancels pending callback retries and releases the web client and crypto
   * worker. Idempotent: later calls return the first call's future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      stopped = vertx.undeploy(deploymentId);
    }
    return stopped;
  }
}
