package com.bunqconnector.api;

import static com.bunqconnector.api.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.CryptoWorker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The caller's deadline, against a scripted "bunq" on 127.0.0.1 that answers 503 to every
 * request and counts them: once it has passed no attempt starts, neither after a rate-limit wait
 * nor as a retry, and a call that never went out says so.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallDeadlineTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static CryptoWorker crypto;
  private static final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(request.method() + " " + request.path());
      request.response().setStatusCode(503).end("<html>busy</html>");
    })).listen(0, "127.0.0.1").await();
    crypto = new CryptoWorker(vertx, "deadline-test-crypto", 1);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    received.clear();
  }

  private static BunqHttp http(CallLimiter limiter, RetryPolicy retries) {
    return new BunqHttp(vertx, vertx.createHttpClient(), crypto, 2_000, BunqHttp.DEFAULT_MAX_RESPONSE_BYTES,
        limiter, retries);
  }

  private static BunqRequest post(String path, long deadlineMs) {
    return new BunqRequest(HttpMethod.POST, "http://127.0.0.1:" + server.actualPort() + "/v1" + path,
        Buffer.buffer("{}"), "token", null, null, deadlineMs);
  }


  @Test
  void callWhoseDeadlinePassesWhileWaitingForARateLimitSlotIsNeverSent() {
    CallLimiter limiter = CallLimiter.of(vertx, "deadline-" + System.nanoTime(),
        Map.of(HttpMethod.POST, new CallLimiter.Limit(1, 2_000)), 0, 10_000, 10, Clock.systemUTC());
    BunqHttp http = http(limiter, RetryPolicy.NONE);
    failure(http.send(post("/user/1/payment", 0)));
    assertThat(received).as("the first call takes the only slot of the next two seconds").hasSize(1);
    BunqRequest late = post("/user/1/payment", System.currentTimeMillis() + 300);
    BunqApiException e = failure(http.send(late));
    assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.delivery()).isEqualTo(BunqApiException.Delivery.NOT_SENT);
    assertThat(e.descriptions().get(0)).contains("not sent: the caller's deadline passed", late.requestId());
    assertThat(received).hasSize(1);
  }

  @Test
  void callWhoseDeadlineHasPassedIsNotSentAtAll() {
    BunqApiException e = failure(http(CallLimiter.unlimited(), RetryPolicy.NONE)
        .send(post("/user/1/payment", System.currentTimeMillis() - 1)));
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.delivery()).isEqualTo(BunqApiException.Delivery.NOT_SENT);
    assertThat(received).isEmpty();
  }

  @Test
  void noRetryStartsAfterTheDeadline() {
    BunqHttp http = http(CallLimiter.unlimited(), new RetryPolicy(4, 2_000, 2_000, 30_000));
    BunqApiException e = failure(http.send(post("/user/1/payment", System.currentTimeMillis() + 500)));
    assertThat(e.status()).as("the last answer is reported").isEqualTo(503);
    assertThat(received).as("the retry would start after the deadline").hasSize(1);
  }
}
