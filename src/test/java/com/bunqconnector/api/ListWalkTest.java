package com.bunqconnector.api;

import static com.bunqconnector.api.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.bus.ApiVerticle;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.crypto.Signatures;
import com.bunqconnector.session.ContextCreator;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Walking a list page by page against a scripted "bunq" on 127.0.0.1 that signs its answers and
 * hands out whatever cursors a test tells it to: endless empty pages, endless pages with a fresh
 * cursor each, cursors to another user's list or with parameters bunq would not send.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListWalkTest {

  private static final KeyPair SERVER_KEY = RsaKeys.generate();
  private static final KeyPair CLIENT_KEY = RsaKeys.generate();
  private static final long BUNQ_USER = 42;
  private static final String LIST = "/user/{userId}/monetary-account/7/payment";

  private static Vertx vertx;
  private static HttpServer server;
  private static BunqClient client;
  private static final AtomicInteger requests = new AtomicInteger();
  /** The items of each page and its older_url, for the n-th page served (counting from 1). */
  private static final AtomicReference<PageScript> script = new AtomicReference<>();

  /** What the server answers to its n-th request of a test. */
  private interface PageScript {
    JsonObject page(int n);
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(ListWalkTest::answer).listen(0, "127.0.0.1").await();
    CryptoWorker crypto = new CryptoWorker(vertx, "walk-test-crypto", 1);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 2_000, BunqHttp.DEFAULT_MAX_RESPONSE_BYTES,
        CallLimiter.unlimited(), RetryPolicy.NONE);
    SessionManager sessions = new SessionManager(new SessionStore(vertx, SecretBox.ephemeral()), new FixedContext());
    sessions.register(new UserSpec("acme", "alice", "http://127.0.0.1:" + server.actualPort() + "/v1", "key",
        List.of(), false));
    client = new BunqClient(sessions, http);
    vertx.deployVerticle(new ApiVerticle(client)).await();
  }

  /** Hands out one context for the scripted server, with no bunq calls. */
  private static final class FixedContext implements ContextCreator {
    @Override
    public Future<SessionContext> create(UserSpec spec) {
      return Future.succeededFuture(SessionContext.builder(spec).apiKey(spec.apiKey())
          .clientKeys(CLIENT_KEY.getPrivate(), CLIENT_KEY.getPublic())
          .installation(1, "installation-token", RsaKeys.publicKeyToPem(SERVER_KEY.getPublic()))
          .device(2).session(3, "session-token", 3_600, System.currentTimeMillis())
          .bunqUser(BUNQ_USER, "UserPerson").build());
    }

    @Override
    public Future<SessionContext> renew(UserSpec spec, SessionContext stale) {
      return create(spec);
    }
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    requests.set(0);
  }

  private static void answer(HttpServerRequest request) {
    request.body().onSuccess(ignored -> {
      Buffer answer = script.get().page(requests.incrementAndGet()).toBuffer();
      request.response().putHeader(BunqHeaders.SERVER_SIGNATURE,
          Signatures.sign(SERVER_KEY.getPrivate(), answer.getBytes())).end(answer);
    });
  }

  private static JsonObject page(int items, String olderUrl) {
    JsonArray response = new JsonArray();
    for (int i = 0; i < items; i++) {
      response.add(new JsonObject().put("Payment", new JsonObject().put("id", 1_000_000 - i)));
    }
    return new JsonObject().put("Response", response)
        .put("Pagination", new JsonObject().put("older_url", olderUrl).put("newer_url", null));
  }

  private static String cursor(int n) {
    return "/v1/user/" + BUNQ_USER + "/monetary-account/7/payment?count=1&older_id=" + (1_000_000 - n);
  }

  private static ApiCall list() {
    return new ApiCall("acme", "alice", HttpMethod.GET, LIST, Map.of("count", "1"), null);
  }


  @Test
  void walkStopsAtAnEmptyPageEvenWithAFreshCursor() {
    script.set(n -> page(0, cursor(n)));
    BunqResponse walked = client.callAll(list(), 1_000).await();
    assertThat(walked.items()).isEmpty();
    assertThat(walked.complete()).isTrue();
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void walkOfEndlessFreshCursorsStopsAtThePageCapAndSaysItIsIncomplete() {
    script.set(n -> page(1, cursor(n)));
    BunqResponse walked = client.callAll(list(), 100_000, 5, 60_000).await();
    assertThat(walked.pages()).isEqualTo(5);
    assertThat(walked.items()).hasSize(5);
    assertThat(walked.complete()).isFalse();
    assertThat(requests.get()).isEqualTo(5);
  }

  @Test
  void walkStopsWhenItsTimeIsUp() {
    script.set(n -> page(1, cursor(n)));
    BunqResponse walked = client.callAll(list(), 100_000, 1_000, 0).await();
    assertThat(walked.pages()).isEqualTo(1);
    assertThat(walked.complete()).isFalse();
  }

  @Test
  void walkOverTheBusStopsAtTheDefaultPageCapAndRepliesIncomplete() {
    script.set(n -> page(1, cursor(n)));
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.API, new JsonObject().put("tenant", "acme")
        .put("user", "alice").put("method", "GET").put("path", LIST).put("query", new JsonObject().put("count", 1))
        .put("all", true).put("limit", 100_000)).await().body();
    assertThat(reply.getInteger("pages")).isEqualTo(BunqClient.MAX_WALK_PAGES);
    assertThat(reply.getBoolean("complete")).isFalse();
    assertThat(requests.get()).isEqualTo(BunqClient.MAX_WALK_PAGES);
  }

  @Test
  void walkThatEndsRepliesComplete() {
    script.set(n -> page(1, n < 3 ? cursor(n) : null));
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.API, new JsonObject().put("tenant", "acme")
        .put("user", "alice").put("method", "GET").put("path", LIST).put("all", true)).await().body();
    assertThat(reply.getInteger("pages")).isEqualTo(3);
    assertThat(reply.getBoolean("complete")).isTrue();
  }

  @Test
  void cursorToAnotherUsersListIsRefused() {
    script.set(n -> page(1, "/v1/user/43/monetary-account/7/payment?count=1&older_id=5"));
    BunqApiException e = failure(client.callAll(list(), 1_000));
    assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(e.getMessage()).contains("points at another list than /user/42/monetary-account/7/payment");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void cursorWithParametersBunqWouldNotSendIsRefused() {
    for (String query : List.of("count=100000", "count=0", "count=1e2", "older_id=abc", "older_id=-1",
        "newer_id=1%202")) {
      requests.set(0);
      script.set(n -> page(1, "/v1/user/42/monetary-account/7/payment?" + query));
      BunqApiException e = failure(client.callAll(list(), 1_000));
      assertThat(e.code()).as(query).isEqualTo(ErrorCode.BUNQ_ERROR);
      assertThat(e.getMessage()).as(query).contains("cannot be followed");
      assertThat(requests.get()).as(query).isEqualTo(1);
    }
  }
}
