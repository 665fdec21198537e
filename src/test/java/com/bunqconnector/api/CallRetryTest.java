package com.bunqconnector.api;

import static com.bunqconnector.api.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.Signatures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which failures a request is sent again after, against a scripted "bunq" on 127.0.0.1 that
 * answers each attempt as told and records the request ids it was sent: GETs are retried through
 * 429s, 5xx and dropped connections; a POST only where bunq certainly did not act (429, 503, never
 * sent), with the same request id; a POST that may have been carried out (no answer, another 5xx,
 * a resend refused) fails as outcome-unknown and is not sent again.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallRetryTest {

  private static final KeyPair SERVER_KEY = RsaKeys.generate();

  private static Vertx vertx;
  private static HttpServer server;
  private static BunqHttp http;
  /** What the server does on each coming attempt: a status, or "reset" to drop the connection. */
  private static final Deque<String> script = new ArrayDeque<>();
  private static final List<String> requestIds = new CopyOnWriteArrayList<>();
  private static final Map<String, String> bodies = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(CallRetryTest::answer).listen(0, "127.0.0.1").await();
    http = new BunqHttp(vertx, vertx.createHttpClient(), new CryptoWorker(vertx, "retry-test-crypto", 1), 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, CallLimiter.unlimited(), new RetryPolicy(4, 5, 20, 10_000));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    script.clear();
    requestIds.clear();
    bodies.clear();
  }

  private static void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      requestIds.add(request.getHeader(BunqHeaders.REQUEST_ID));
      String step = script.isEmpty() ? "200" : script.poll();
      if (step.equals("reset")) {
        request.connection().close();
        return;
      }
      int status = Integer.parseInt(step);
      if (status == 200) {
        Buffer answer = Buffer.buffer(bodies.getOrDefault(request.path(), "{\"Response\":[{\"Id\":{\"id\":7}}]}"));
        request.response().putHeader(BunqHeaders.SERVER_SIGNATURE,
            Signatures.sign(SERVER_KEY.getPrivate(), answer.getBytes())).end(answer);
      } else {
        request.response().setStatusCode(status).putHeader("Content-Type", "text/html")
            .end("<html><body>" + status + "</body></html>");
      }
    });
  }

  private static BunqRequest request(HttpMethod method, String path) {
    Buffer body = method == HttpMethod.GET ? null : Buffer.buffer("{\"amount\":{\"value\":\"1.00\"}}");
    return new BunqRequest(method, "http://127.0.0.1:" + server.actualPort() + "/v1" + path, body, "token", null,
        SERVER_KEY.getPublic());
  }


  @Test
  void getIsRetriedThroughRateLimitsServerErrorsAndDroppedConnections() {
    script.addAll(List.of("429", "502", "reset"));
    BunqResponse response = http.send(request(HttpMethod.GET, "/user/1/monetary-account")).await();
    assertThat(response.status()).isEqualTo(200);
    assertThat(requestIds).hasSize(4);
  }

  @Test
  void getGivesUpAfterTheLastAttemptWithTheLastFailure() {
    script.addAll(List.of("503", "503", "503", "503", "503"));
    BunqApiException e = failure(http.send(request(HttpMethod.GET, "/user/1/monetary-account")));
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(requestIds).hasSize(4);
  }

  @Test
  void postRefusedByTheGatewayIsResentWithTheSameRequestId() {
    script.addAll(List.of("429", "503"));
    BunqResponse response = http.send(request(HttpMethod.POST, "/user/1/monetary-account/2/payment")).await();
    assertThat(response.item("Id").getLong("id")).isEqualTo(7);
    assertThat(requestIds).hasSize(3);
    assertThat(requestIds.stream().distinct()).as("one request id for every attempt").hasSize(1);
  }

  @Test
  void postAnsweredWithAnInternalErrorIsOutcomeUnknownAndNotResent() {
    script.add("500");
    BunqApiException e = failure(http.send(request(HttpMethod.POST, "/user/1/monetary-account/2/payment")));
    assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(e.status()).isEqualTo(500);
    assertThat(requestIds).hasSize(1);
  }

  @Test
  void postAnsweredWithAGatewayTimeoutIsOutcomeUnknownAndNotResent() {
    script.addAll(List.of("504", "400"));
    BunqRequest request = request(HttpMethod.POST, "/user/1/monetary-account/2/payment");
    BunqApiException e = failure(http.send(request));
    assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(e.status()).isEqualTo(504);
    assertThat(e.descriptions().get(0)).contains("HTTP 504", "may have carried it out",
        "GET /v1/user/1/monetary-account/2/payment", request.requestId());
    assertThat(requestIds).as("a 504 may come after bunq booked the payment").hasSize(1);
  }

  @Test
  void putAnsweredWithABadGatewayIsNotResent() {
    script.add("502");
    BunqApiException e = failure(http.send(request(HttpMethod.PUT, "/user/1/monetary-account/2")));
    assertThat(e.code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(e.status()).isEqualTo(502);
    assertThat(requestIds).hasSize(1);
  }

  @Test
  void postWhoseResendIsRefusedIsOutcomeUnknown() {
    script.addAll(List.of("503", "400"));
    BunqApiException e = failure(http.send(request(HttpMethod.POST, "/user/1/monetary-account/2/payment")));
    assertThat(e.code()).as("bunq refuses a reused request id with a 400").isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.descriptions().get(0)).contains("sent again (attempt 2)");
    assertThat(requestIds).hasSize(2);
  }

  @Test
  void postRefusedOnItsFirstAttemptIsABadRequest() {
    script.add("400");
    BunqApiException e = failure(http.send(request(HttpMethod.POST, "/user/1/monetary-account/2/payment")));
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(requestIds).hasSize(1);
  }

  @Test
  void getIsRetriedThroughAGatewayTimeout() {
    script.add("504");
    assertThat(http.send(request(HttpMethod.GET, "/user/1/monetary-account")).await().status()).isEqualTo(200);
    assertThat(requestIds).hasSize(2);
  }

  @Test
  void postWhoseConnectionDropsAfterSendingIsOutcomeUnknownAndNotResent() {
    script.add("reset");
    BunqRequest request = request(HttpMethod.POST, "/user/1/monetary-account/2/payment");
    BunqApiException e = failure(http.send(request));
    assertThat(e.code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(e.delivery()).isEqualTo(BunqApiException.Delivery.UNKNOWN);
    assertThat(e.descriptions().get(0))
        .contains("may have carried it out", "GET /v1/user/1/monetary-account/2/payment", request.requestId());
    assertThat(requestIds).hasSize(1);
  }

  @Test
  void postThatCouldNotConnectIsResentAndFailsAsNotSent() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    BunqRequest request = new BunqRequest(HttpMethod.POST, "http://127.0.0.1:" + closedPort + "/v1/user/1/payment",
        Buffer.buffer("{}"), "token", null, null);
    BunqApiException e = failure(http.send(request));
    assertThat(e.code()).as("nothing reached bunq, so nothing is unknown").isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(e.delivery()).isEqualTo(BunqApiException.Delivery.NOT_SENT);
    assertThat(e.descriptions().get(0)).contains("could not connect");
  }

  @Test
  void bunqJsonPassesThroughUntouched() {
    String body = "{\"Response\":[{\"PaymentBatch\":{\"id\":9007199254740993,\"payments\":{\"Payment\":[]}}},"
        + "{\"SomeTypeBunqAddsNextYear\":{\"id\":1,\"amount\":{\"value\":\"0.10\",\"currency\":\"EUR\"},"
        + "\"alias\":[{\"type\":\"IBAN\"}],\"nested\":{\"alias\":{\"type\":\"EMAIL\"}}}}],"
        + "\"Pagination\":{\"future_url\":null,\"newer_url\":null,\"older_url\":null}}";
    bodies.put("/v1/user/1/event", body);
    BunqResponse response = http.send(request(HttpMethod.GET, "/user/1/event")).await();
    JsonArray items = response.items();
    assertThat(items.getJsonObject(0).getJsonObject("PaymentBatch").getLong("id")).isEqualTo(9007199254740993L);
    JsonObject unknown = items.getJsonObject(1).getJsonObject("SomeTypeBunqAddsNextYear");
    assertThat(unknown.getJsonObject("amount").getValue("value")).isEqualTo("0.10");
    assertThat(unknown.getValue("alias")).isInstanceOf(JsonArray.class);
    assertThat(unknown.getJsonObject("nested").getValue("alias")).isInstanceOf(JsonObject.class);
    assertThat(response.body()).isEqualTo(new JsonObject(body));
  }
}
