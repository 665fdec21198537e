package com.bunqconnector.api;

import static com.bunqconnector.api.Failures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP layer against a hostile "bunq" on 127.0.0.1: slow, huge, redirecting or malformed answers. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BunqHttpTest {

  private Vertx vertx;
  private HttpServer server;
  private BunqHttp http;
  private final AtomicInteger redirectTargetHits = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      HttpServerResponse response = request.response();
      switch (request.path()) {
        case "/v1/drip" -> {
          response.setChunked(true).putHeader("Content-Type", "application/json").write("{");
          vertx.setPeriodic(100, id -> {
            if (response.closed()) {
              vertx.cancelTimer(id);
            } else {
              response.write(" ");
            }
          });
        }
        case "/v1/huge" -> response.end(Buffer.buffer(new byte[2 * 1024 * 1024]));
        case "/v1/five-mb" -> response.end(Buffer.buffer(new byte[5 * 1024 * 1024]));
        case "/v1/redirect" -> response.setStatusCode(302).putHeader("Location", "/v1/elsewhere").end();
        case "/v1/elsewhere" -> {
          redirectTargetHits.incrementAndGet();
          response.end("{\"Response\":[]}");
        }
        case "/v1/bad-shape" -> response.end("{\"Response\":\"nope\",\"Pagination\":\"x\"}");
        case "/v1/html-502" -> response.setStatusCode(502).putHeader("Content-Type", "text/html")
            .end("<html><body>Bad Gateway</body></html>");
        default -> response.setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await();
    http = new BunqHttp(vertx, vertx.createHttpClient(), new CryptoWorker(vertx, "test-crypto", 1), 1_000,
        1024 * 1024);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Future<BunqResponse> get(String path) {
    String url = "http://127.0.0.1:" + server.actualPort() + "/v1" + path;
    return http.send(new BunqRequest(HttpMethod.GET, url, null, "token", null, null));
  }


  @Test
  void answerDrippedByteByByteHitsTheWholeRequestDeadline() {
    long started = System.nanoTime();
    BunqApiException e = failure(get("/drip"));
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.descriptions().get(0)).contains("GET /v1/drip").contains("no complete answer");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
  }

  @Test
  void answerLargerThanTheLimitIsRefused() {
    BunqApiException e = failure(get("/huge"));
    assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(e.descriptions().get(0)).contains("larger than 1048576 bytes");
  }

  @Test
  void answerOfFiveMegabytesIsRefusedByDefault() {
    BunqHttp defaults = new BunqHttp(vertx, vertx.createHttpClient(), new CryptoWorker(vertx, "default-crypto", 1),
        5_000, BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    String url = "http://127.0.0.1:" + server.actualPort() + "/v1/five-mb";
    BunqApiException e = failure(defaults.send(new BunqRequest(HttpMethod.GET, url, null, "token", null, null)));
    assertThat(e.descriptions().get(0)).as("bunq's largest page, 200 items, is far smaller")
        .contains("larger than 4194304 bytes");
  }

  @Test
  void redirectIsNotFollowedSoTheTokenStaysWithTheConfiguredHost() {
    BunqApiException e = failure(get("/redirect"));
    assertThat(e.status()).isEqualTo(302);
    assertThat(redirectTargetHits).hasValue(0);
  }

  @Test
  void answerWithMalformedEnvelopeIsABunqError() {
    BunqApiException e = failure(get("/bad-shape"));
    assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(e.descriptions().get(0)).contains("not a list");
  }

  @Test
  void htmlErrorPageBecomesAReadableError() {
    BunqApiException e = failure(get("/html-502"));
    assertThat(e.code()).isEqualTo(ErrorCode.BUNQ_ERROR);
    assertThat(e.status()).isEqualTo(502);
    assertThat(e.descriptions()).containsExactly("HTTP 502 with a body that is not bunq's JSON error envelope");
  }

  @Test
  void unsignedAnswerIsRefusedWhenASignatureIsExpected() {
    KeyPair keys = RsaKeys.generate();
    String url = "http://127.0.0.1:" + server.actualPort() + "/v1/elsewhere";
    Future<BunqResponse> call = http.send(new BunqRequest(HttpMethod.GET, url, null, "t", null, keys.getPublic()));
    assertThat(failure(call).code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
    assertThatThrownBy(call::await).hasMessageContaining("carries no X-Bunq-Server-Signature");
  }
}
