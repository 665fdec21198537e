package com.bunqconnector.emulator;

import com.bunqconnector.emulator.CardPayments.CardPayment;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A local, in-memory emulator of bunq's public REST API (sandbox flavour): sandbox and seeded
 * users (persons, companies, payment service providers), installation, device-server,
 * session-server with bunq's session lifecycle, OAuth (authorization code, UserApiKey sessions),
 * monetary accounts (open, change, close), payments, request inquiries (Sugar Daddy included) and
 * responses, draft payments, card transactions, the event feed, all with bunq pagination, URL
 * notification filters (user and account level) with callbacks and their failures, with bunq's
 * envelopes, headers, error texts and RSA body signatures (client signatures verified over the raw
 * bytes, every response signed with the installation's server key). What happens outside the API
 * in real life (the owner answering a draft in the app, a card used at a shop) is driven through
 * this class or the {@code /emulator/admin/...} routes.
 *
 * <p>All state lives in one verticle on one event-loop context. It is lost on {@link #stop()}, unless
 * {@link EmulatorOptions#setDataDir} names a directory: then it is saved there before each call is
 * answered and loaded again by the next start. Key generation and signing run on a worker pool named
 * {@code bunq-emulator-crypto}.
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
   * port). The options are copied. Fails if the port cannot be bound, or if the data directory's
   * state file cannot be read (the message names the file and what is wrong).
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

  /**
   * The users created from {@link EmulatorOptions#getSeed()}, in seed order, with their API keys; for
   * a data directory that held state, those its first start seeded.
   */
  public List<SeededUser> seededUsers() {
    return verticle.seeded().users();
  }

  /** The OAuth clients created from the seed (as {@link #seededUsers()}), in seed order, with their credentials. */
  public List<SeededOauthClient> seededOauthClients() {
    return verticle.seeded().oauthClients();
  }

  private String origin() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + shownHost + ":" + port();
  }

  /**
   * Accepts a PENDING draft payment as its account owner would in the bunq app: every entry is paid
   * (PAYMENT and MUTATION callbacks, as for API payments) and a DRAFT_PAYMENT callback with event
   * type {@code DRAFT_PAYMENT_ACCEPTED} goes out. All or nothing: if one entry cannot be paid,
   * nothing is.
   *
   * @return the DraftPayment as {@code GET .../draft-payment/{id}} now shows it (status ACCEPTED,
   *     {@code object} holding the Payment or PaymentBatch); the future fails with
   *     {@link IllegalArgumentException} for an unknown id and with {@link IllegalStateException} if
   *     the draft is not PENDING or its account cannot pay it. It completes on the emulator's context.
   */
  public Future<JsonObject> acceptDraftPayment(long draftPaymentId) {
    return answerDraft(draftPaymentId, true);
  }

  /**
   * Rejects a PENDING draft payment as its owner would in the app (DRAFT_PAYMENT callback, event type
   * {@code DRAFT_PAYMENT_REJECTED}). Results and failures as {@link #acceptDraftPayment}.
   */
  public Future<JsonObject> rejectDraftPayment(long draftPaymentId) {
    return answerDraft(draftPaymentId, false);
  }

  /**
   * Simulates a payment with the card that pays from a monetary account at a merchant: a
   * MasterCardAction that is declined ({@code CARD_NOT_ACTIVE}) when that card is not active,
   * ({@code COUNTRY_NOT_PERMITTED}) when {@code declined} is set or
   * ({@code INSUFFICIENT_BALANCE}) when the balance is too low, and otherwise debits the account with
   * a Payment of type MASTERCARD. Callbacks: CARD_TRANSACTION_SUCCESSFUL or CARD_TRANSACTION_FAILED
   * with the MasterCardAction, and MUTATION for the debit.
   *
   * @param amount a positive EUR amount with at most two decimals, e.g. {@code "12.50"}
   * @param country the merchant's ISO 3166-1 alpha-2 country, e.g. {@code "NL"}
   * @return the MasterCardAction as {@code GET .../mastercard-action/{id}} shows it; the future fails
   *     with {@link IllegalArgumentException} for an unknown account and with
   *     {@link IllegalStateException} for one that is not active
   * @throws IllegalArgumentException at once if {@code amount}, {@code merchantName} or
   *     {@code country} is malformed (the message names it)
   */
  public Future<JsonObject> simulateCardPayment(long monetaryAccountId, String amount, String merchantName,
      String country, boolean declined) {
    CardPayment payment;
    try {
      payment = CardPayment.of(monetaryAccountId, null, amount, merchantName, country, declined);
    } catch (ApiError e) {
      throw new IllegalArgumentException(e.description());
    }
    return verticle.call(() -> verticle.resources().cards().simulate(payment)).recover(BunqEmulator::javaFailure);
  }

  private Future<JsonObject> answerDraft(long draftPaymentId, boolean accept) {
    return verticle.call(() -> {
      ResourceModule resources = verticle.resources();
      DraftPayment draft = resources.store().draft(draftPaymentId)
          .orElseThrow(() -> ApiError.notFound("DraftPayment for id \"" + draftPaymentId + "\" not found."));
      return accept ? resources.drafts().accept(draft) : resources.drafts().reject(draft);
    }).recover(BunqEmulator::javaFailure);
  }

  /** Turns the emulator's HTTP-style errors into the exceptions a Java caller expects. */
  private static <T> Future<T> javaFailure(Throwable failure) {
    if (failure instanceof ApiError error) {
      return Future.failedFuture(error.status() == 404 ? new IllegalArgumentException(error.description())
          : new IllegalStateException(error.description()));
    }
    return Future.failedFuture(failure);
  }

  /**
   * Stops the server, cancels pending callback retries (a durable emulator keeps the callbacks on
   * their way in its saved state and resumes them on its next start), waits for the last save of a
   * durable emulator and releases the web client and crypto worker. Idempotent: later calls return the
   * first call's future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      stopped = vertx.undeploy(deploymentId);
    }
    return stopped;
  }
}
