package com.bunqconnector.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.CallLimiter;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.RetryPolicy;
import com.bunqconnector.bus.BunqApi.Alias;
import com.bunqconnector.bus.BunqApi.Amount;
import com.bunqconnector.bus.BunqApi.BunqCallException;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.Fault;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.emulator.SeededUser;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The call path an application trusts with money, over the event bus through {@link BunqApi},
 * against the emulator's fault injection: retries through 429 bursts and HTML 502s, a payment whose
 * connection drops after sending exists exactly once, a list walked page by page, HTTP/2.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallPathTest {

  private static Vertx vertx;
  private static BunqEmulator emulator;
  private static BunqApi.User alice;
  private static long aliceAccount;
  private static String bobIban;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions().setInitialBalance("10000.00")
        .setSeed(EmulatorSeed.EMPTY.withGeneratedPersons(3))
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await();
    List<SeededUser> seeded = emulator.seededUsers();
    alice = connect(new HttpClientOptions(), "h1", seeded.get(0), seeded.get(1)).user("acme", "alice");
    aliceAccount = alice.accounts().await().get(0).getLong("id");
    bobIban = seeded.get(1).iban();
  }

  /** A connector on its own bus address space: one set of users and one HTTP client setting. */
  private static BunqApi connect(HttpClientOptions options, String pool, SeededUser first, SeededUser second) {
    CryptoWorker crypto = new CryptoWorker(vertx, "call-path-" + pool, 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(options), crypto, 2_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, CallLimiter.unlimited(), new RetryPolicy(4, 10, 50, 20_000));
    SessionManager sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()),
        new ContextFactory(http, crypto));
    sessions.register(new UserSpec("acme", "alice", emulator.baseUrl(), first.apiKey(), List.of(), false));
    sessions.register(new UserSpec("acme", "bob", emulator.baseUrl(), second.apiKey(), List.of(), false));
    vertx.deployVerticle(new ApiVerticle(new BunqClient(sessions, http))).await();
    return BunqApi.create(vertx).withTimeout(30_000);
  }

  @AfterEach
  void clearFaults() {
    emulator.faults().clear().await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String paymentsPath() {
    return "/user/{userId}/monetary-account/" + aliceAccount + "/payment";
  }

  private static List<JsonObject> paymentsDescribed(String description) {
    return alice.listAll(paymentsPath(), new JsonObject().put("count", 200), 1_000).await().stream()
        .map(JsonObject.class::cast).map(item -> item.getJsonObject("Payment"))
        .filter(payment -> description.equals(payment.getString("description"))).toList();
  }

  @Test
  void exampleConsumerFromTheReadmePaysAndReadsThePaymentBack() {
    JsonObject conf = new JsonObject().put("tenant", "acme").put("user", "alice").put("iban", bobIban)
        .put("name", "Bob").put("amount", "4.20");
    vertx.deployVerticle(new ExampleConsumerVerticle(), new DeploymentOptions().setConfig(conf)).await();
    assertThat(paymentsDescribed("Invoice 42")).hasSize(1);
  }

  @Test
  void listIsReadThroughABurstOfRateLimitAnswers() {
    emulator.faults().add(Fault.tooManyRequests().on("GET", ".*/monetary-account-bank").times(3)).await();
    assertThat(alice.accounts().await()).isNotEmpty();
  }

  @Test
  void htmlBadGatewayIsFollowedBySuccess() {
    emulator.faults().add(Fault.serverError(502).on("GET", ".*/payment").times(1)).await();
    assertThat(alice.payments(aliceAccount, 5).await()).isNotNull();
  }

  @Test
  void paymentWhoseConnectionDropsAfterSendingIsReportedAsUnknownAndExistsOnce() {
    emulator.faults().add(Fault.dropAfterProcessing().on("POST", ".*/payment").times(1)).await();
    Throwable failure = alice.pay(aliceAccount, Amount.eur("2.35"), Alias.iban(bobIban, "Bob"), "dropped once")
        .map(id -> (Throwable) null).otherwise(e -> e).await();
    assertThat(failure).isInstanceOf(BunqCallException.class);
    BunqCallException unknown = (BunqCallException) failure;
    assertThat(unknown.code()).isEqualTo("outcome-unknown");
    assertThat(unknown.descriptions().get(0)).contains("may have carried it out", "GET /v1/user/");
    assertThat(paymentsDescribed("dropped once")).as("booked by bunq, never sent again").hasSize(1);
  }

  @Test
  void paymentRefusedByTheGatewayIsResentAndBookedOnce() {
    emulator.faults().add(Fault.serverError(503).on("POST", ".*/payment").times(2)).await();
    long id = alice.pay(aliceAccount, Amount.eur("1.15"), Alias.iban(bobIban, "Bob"), "refused twice").await();
    List<JsonObject> booked = paymentsDescribed("refused twice");
    assertThat(booked).hasSize(1);
    assertThat(booked.get(0).getLong("id")).isEqualTo(id);
    assertThat(Amount.of(booked.get(0).getJsonObject("amount")).value()).isEqualByComparingTo(new BigDecimal("-1.15"));
  }

  @Test
  void paymentAnsweredWithABadGatewayIsOutcomeUnknownAndNotResent() {
    emulator.faults().add(Fault.serverError(502).on("POST", ".*/payment").times(1)).await();
    Throwable failure = alice.pay(aliceAccount, Amount.eur("1.25"), Alias.iban(bobIban, "Bob"), "bad gateway once")
        .map(id -> (Throwable) null).otherwise(e -> e).await();
    BunqCallException unknown = (BunqCallException) failure;
    assertThat(unknown.code()).as(unknown.getMessage()).isEqualTo("outcome-unknown");
    assertThat(unknown.status()).isEqualTo(502);
    assertThat(unknown.mayHaveBeenCarriedOut()).isTrue();
    assertThat(paymentsDescribed("bad gateway once")).as("this gateway refused it, and it was not sent again")
        .isEmpty();
  }

  @Test
  void paymentThatOutlivesTheCallersTimeoutIsOutcomeUnknown() {
    emulator.faults().add(Fault.latency(Duration.ofMillis(1_500)).on("POST", ".*/payment").times(1)).await();
    BunqApi.User impatient = BunqApi.create(vertx).withTimeout(500).user("acme", "alice");
    Throwable failure = impatient.pay(aliceAccount, Amount.eur("1.35"), Alias.iban(bobIban, "Bob"), "impatient")
        .map(id -> (Throwable) null).otherwise(e -> e).await();
    BunqCallException unknown = (BunqCallException) failure;
    assertThat(unknown.code()).as(unknown.getMessage()).isEqualTo("outcome-unknown");
    assertThat(unknown.mayHaveBeenCarriedOut()).isTrue();
    assertThat(unknown.descriptions().get(0)).contains("may still be carrying it out", "GET /user/");
  }

  @Test
  void getThatOutlivesTheCallersTimeoutIsATimeout() {
    emulator.faults().add(Fault.latency(Duration.ofMillis(1_500)).on("GET", ".*/payment").times(1)).await();
    BunqApi.User impatient = BunqApi.create(vertx).withTimeout(500).user("acme", "alice");
    Throwable failure = impatient.payments(aliceAccount, 1).map(list -> (Throwable) null).otherwise(e -> e).await();
    BunqCallException timeout = (BunqCallException) failure;
    assertThat(timeout.code()).isEqualTo("timeout");
    assertThat(timeout.mayHaveBeenCarriedOut()).as("a GET changes nothing").isFalse();
  }

  @Test
  void listOfThirtyFiveIsWalkedInPagesOfTenNewestFirst() {
    List<Future<Long>> paid = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      paid.add(alice.pay(aliceAccount, Amount.eur("0.01"), Alias.iban(bobIban, "Bob"), "page walk " + i));
    }
    Future.all(paid).await();
    String payments = paymentsPath();
    JsonObject reply = alice.call("GET", payments, new JsonObject().put("count", 10), null).await();
    assertThat(reply.getJsonArray("Response")).hasSize(10);
    JsonObject all = vertx.eventBus().<JsonObject>request(Addresses.API, new JsonObject().put("tenant", "acme")
        .put("user", "alice").put("method", "GET").put("path", payments).put("query", new JsonObject()
            .put("count", 10)).put("all", true).put("limit", 35)).await().body();
    JsonArray items = all.getJsonArray("Response");
    assertThat(items).hasSize(35);
    assertThat(all.getInteger("pages")).isEqualTo(4);
    List<Long> ids = items.stream().map(JsonObject.class::cast).map(item -> item.getJsonObject("Payment")
        .getLong("id")).toList();
    assertThat(new HashSet<>(ids)).hasSize(35);
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    Set<String> walked = new HashSet<>();
    items.stream().map(JsonObject.class::cast).forEach(item -> walked.add(item.getJsonObject("Payment")
        .getString("description")));
    for (int i = 0; i < 35; i++) {
      assertThat(walked).contains("page walk " + i);
    }
  }

  @Test
  void walkStopsAtTheItemLimit() {
    JsonArray some = alice.listAll(paymentsPath(), new JsonObject().put("count", 2), 3).await();
    assertThat(some).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void requestNamingBothCursorsIsRefusedBeforeBunq() {
    Throwable failure = alice.call("GET", paymentsPath(), new JsonObject().put("older_id", 5).put("newer_id", 9),
        null).map(r -> (Throwable) null).otherwise(e -> e).await();
    assertThat(((BunqCallException) failure).code()).isEqualTo("invalid-request");
    assertThat(failure.getMessage()).contains("older_id and newer_id");
  }

  @Test
  void getThatTimesOutIsSentAgain() {
    emulator.faults().add(Fault.latency(Duration.ofMillis(3_000)).on("GET", ".*/monetary-account-bank").times(1))
        .await();
    assertThat(alice.accounts().await()).isNotEmpty();
  }

  @Test
  void callsWorkOverHttp2() {
    List<SeededUser> seeded = emulator.seededUsers();
    HttpClientOptions h2 = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false);
    List<Boolean> settings = new CopyOnWriteArrayList<>();
    HttpClient client2 = vertx.httpClientBuilder().with(h2).withConnectHandler(connection -> {
      try {
        settings.add(connection.remoteSettings() != null);
      } catch (UnsupportedOperationException e) {
        settings.add(false);
      }
    }).build();
    CryptoWorker crypto = new CryptoWorker(vertx, "call-path-h2", 1);
    BunqHttp http = new BunqHttp(vertx, client2, crypto, 5_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, CallLimiter.unlimited(), RetryPolicy.NONE);
    SessionManager sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()),
        new ContextFactory(http, crypto));
    sessions.register(new UserSpec("h2", "carol", emulator.baseUrl(), seeded.get(2).apiKey(), List.of(), false));
    BunqClient client = new BunqClient(sessions, http);
    JsonObject accounts = client.call(new ApiCall("h2", "carol", HttpMethod.GET,
        "/user/{userId}/monetary-account-bank", Map.of(), null)).await().body();
    assertThat(accounts.getJsonArray("Response")).isNotEmpty();
    assertThat(settings).as("connections speak HTTP/2 (they have SETTINGS)").isNotEmpty().containsOnly(true);
  }
}
