package com.bunqconnector.api;

import com.bunqconnector.crypto.CryptoWorker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one request to bunq the way bunq wants it: its headers, a fresh request id, the body
 * signed on the crypto worker pool, and a 2xx answer accepted only when its
 * {@code X-Bunq-Server-Signature} verifies over the exact bytes received.
 *
 * <p>Each request has one deadline for the whole exchange (a peer that sends a byte a second
 * does not hold it open), a bound on the response size, and never follows a redirect, so the
 * session token only ever goes to the configured host.
 *
 * <p>Does not log: failures travel as {@link BunqApiException}s in the returned future.
 */
public final class BunqHttp {

  /**
   * Largest response body accepted by default, 4 MB: well above bunq's largest page (200 items),
   * and small enough that one parsed page of tiny items cannot take hundreds of MB of heap.
   */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  private static final byte[] EMPTY = new byte[0];

  private final Vertx vertx;
  private final HttpClient client;
  private final CryptoWorker crypto;
  private final long timeoutMs;
  private final int maxResponseBytes;

  private final CallLimiter limiter;
  private final RetryPolicy retries;

  /**
   * A client that sends each request once and does not pace calls.
   *
   * @param timeoutMs        deadline of one whole request, from sending to the last byte of the answer
   * @param maxResponseBytes largest response body read; a larger one fails the request
   */
  public BunqHttp(Vertx vertx, HttpClient client, CryptoWorker crypto, long timeoutMs, int maxResponseBytes) {
    this(vertx, client, crypto, timeoutMs, maxResponseBytes, CallLimiter.unlimited(), RetryPolicy.NONE);
  }

  /**
   * @param timeoutMs        deadline of one attempt, from sending to the last byte of the answer
   * @param maxResponseBytes largest response body read; a larger one fails the request
   * @param limiter          paces every attempt to bunq's rate limits
   * @param retries          how failed attempts are repeated
   */
  public BunqHttp(Vertx vertx, HttpClient client, CryptoWorker crypto, long timeoutMs, int maxResponseBytes,
      CallLimiter limiter, RetryPolicy retries) {
    this.vertx = vertx;
    this.client = client;
    this.crypto = crypto;
    this.timeoutMs = timeoutMs;
    this.maxResponseBytes = maxResponseBytes;
    this.limiter = limiter;
    this.retries = retries;
  }

  /**
   * Sends the request, within bunq's rate limits, and again after a failure that allows it (see
   * {@link RetryPolicy}): a GET after a 429, a 5xx, a timeout or a dropped connection; any other
   * method only when bunq certainly did not act on it (a 429, a 503, or a connection that never
   * opened), with the same {@code X-Bunq-Client-Request-Id}. Such a call that may have been carried
   * out (sent without an answer, answered with another 5xx, or a resend refused with a 4xx) fails
   * with {@link ErrorCode#OUTCOME_UNKNOWN} and is never sent again.
   *
   * @return the verified response; or a future failed with {@link BunqApiException}: bunq's error
   *     status and descriptions, {@code bad-signature} for a 2xx that does not verify, {@code timeout},
   *     {@code outcome-unknown}, {@code rate-limited} when the rate limiter's queue is full, or
   *     {@code bunq-error} when no usable answer arrived
   */
  public Future<BunqResponse> send(BunqRequest request) {
    Future<String> signature = request.signer() == null
        ? Future.succeededFuture(null)
        : crypto.sign(request.signer(), request.body() == null ? EMPTY : request.body().getBytes());
    long deadline = System.currentTimeMillis() + retries.deadlineMs();
    return signature.compose(sig -> attempt(request, sig, 1, deadline));
  }

  private Future<BunqResponse> attempt(BunqRequest request, String signature, int attempt, long deadline) {
    return slot(request)
        .compose(ready -> transmit(request, signature)
            .compose(response -> accept(request, response))
            .recover(failure -> retryOrFail(request, signature, attempt, deadline, failure)));
  }

  private Future<BunqResponse> retryOrFail(BunqRequest request, String signature, int attempt, long deadline,
      Throwable failure) {
    if (!(failure instanceof BunqApiException bunq)) {
      return Future.failedFuture(failure);
    }
    long delay = Math.max(1, retries.delayMs(attempt));
    long resendAt = System.currentTimeMillis() + delay;
    if (attempt < retries.maxAttempts() && mayResend(request.method(), bunq) && resendAt < deadline
        && (request.deadlineMs() == 0 || resendAt < request.deadlineMs())) {
      Promise<BunqResponse> again = Promise.promise();
      vertx.setTimer(delay, id -> attempt(request, signature, attempt + 1, deadline).onComplete(again));
      return again.future();
    }
    return Future.failedFuture(outcome(request, bunq, attempt));
  }

  /**
   * A rate-limit slot for the request that starts before the caller's deadline (if it has one);
   * when there is none, or the deadline has passed by the time the slot comes, the request fails
   * with {@code timeout}, not sent.
   */
  private Future<Long> slot(BunqRequest request) {
    long caller = request.deadlineMs();
    if (caller == 0) {
      return limiter.slot(request.method(), request.path());
    }
    if (caller <= System.currentTimeMillis()) {
      return Future.failedFuture(deadlinePassed(request));
    }
    return limiter.slot(request.method(), request.path(), caller).transform(slot -> {
      boolean tooLate = slot.succeeded() ? System.currentTimeMillis() >= caller
          : slot.cause() instanceof BunqApiException e && e.code() == ErrorCode.TIMEOUT;
      return tooLate ? Future.failedFuture(deadlinePassed(request)) : (Future<Long>) slot;
    });
  }

  private static BunqApiException deadlinePassed(BunqRequest request) {
    return new BunqApiException(ErrorCode.TIMEOUT, 0, List.of(request + " not sent: the caller's deadline passed"
        + " before it could go out (its X-Bunq-Client-Request-Id was " + request.requestId() + ")"), null,
        BunqApiException.Delivery.NOT_SENT);
  }

  /**
   * Whether a request that failed this way may go out again: a GET after a 429, a 5xx, a timeout
   * or a dropped connection; any other method only when bunq certainly did not act on it: it was
   * never sent, or bunq refused it with a 429 or a 503. Any other 5xx (500, 502, 504...) may come
   * from a gateway after bunq booked the call, and is not sent again.
   */
  static boolean mayResend(HttpMethod method, BunqApiException failure) {
    int status = failure.status();
    if (failure.delivery() == BunqApiException.Delivery.NOT_SENT || status == 429) {
      return true;
    }
    if (method == HttpMethod.GET) {
      return failure.code() != ErrorCode.BAD_SIGNATURE && (status == 0 || status >= 500 || status < 300);
    }
    return status == 503;
  }

  /**
   * The failure to report. For a call that changes something it is {@code outcome-unknown}, with
   * the HTTP status kept, when bunq may have carried it out: it was sent and no complete answer
   * came, it was answered with a 5xx other than 503, or a resend of it was refused with a 4xx (an
   * earlier attempt may have been booked, and bunq refuses a reused request id).
   */
  private static BunqApiException outcome(BunqRequest request, BunqApiException failure, int attempt) {
    if (request.method() == HttpMethod.GET || failure.delivery() == BunqApiException.Delivery.NOT_SENT
        || failure.code() == ErrorCode.BAD_SIGNATURE) {
      return failure;
    }
    int status = failure.status();
    String why;
    if (failure.delivery() == BunqApiException.Delivery.UNKNOWN) {
      why = " was sent but no complete answer came";
    } else if (status >= 500 && status != 503) {
      why = " was answered with HTTP " + status + ", which a gateway may send after bunq carried the call out";
    } else if (status >= 400 && status < 500 && status != 429 && attempt > 1) {
      why = " was refused with HTTP " + status + " when it was sent again (attempt " + attempt + "), and an"
          + " earlier attempt may have been carried out";
    } else {
      return failure;
    }
    return new BunqApiException(ErrorCode.OUTCOME_UNKNOWN, status, List.of(request + why + " ("
        + String.join(" ", failure.descriptions()) + "), so bunq may have carried it out. It is not sent"
        + " again: read the resource (GET " + request.path() + ") to see whether it exists before repeating it;"
        + " its X-Bunq-Client-Request-Id was " + request.requestId() + "."), failure.responseId(),
        failure.delivery());
  }

  /** A response as read off the wire: status, the headers we use, and the raw body. */
  private record Raw(int status, String responseId, String signature, Buffer body) {
  }

  private Future<Raw> transmit(BunqRequest request, String signature) {
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setAbsoluteURI(request.url())
        .setFollowRedirects(false)
        .setIdleTimeout(timeoutMs)
        .putHeader("Cache-Control", "no-cache")
        .putHeader("User-Agent", BunqHeaders.USER_AGENT)
        .putHeader(BunqHeaders.LANGUAGE, "en_US")
        .putHeader(BunqHeaders.REGION, "nl_NL")
        .putHeader(BunqHeaders.GEOLOCATION, "0 0 0 0 000")
        .putHeader(BunqHeaders.REQUEST_ID, request.requestId());
    if (request.authToken() != null) {
      options.putHeader(BunqHeaders.AUTHENTICATION, request.authToken());
    }
    if (signature != null) {
      options.putHeader(BunqHeaders.CLIENT_SIGNATURE, signature);
    }
    if (request.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    Promise<Raw> result = Promise.promise();
    AtomicBoolean sent = new AtomicBoolean();
    long deadline = vertx.setTimer(timeoutMs, id -> result.tryFail(new TimeoutException()));
    client.request(options)
        .compose(http -> {
          result.future().onFailure(e -> http.reset(0, e));
          // The body handlers are set as the response arrives, on the stream's own context, and
          // before anything is sent: set later, they could miss a response that had already ended.
          Future<Raw> raw = http.response().compose(this::read);
          Future<Void> written = request.body() == null ? http.end() : http.end(request.body());
          // Until the whole request is written bunq cannot act on it: a connection that breaks
          // before then (a stale pooled one, say) leaves the request not sent.
          written.onSuccess(done -> sent.set(true));
          return raw;
        })
        .onComplete(read -> {
          vertx.cancelTimer(deadline);
          if (read.succeeded()) {
            result.tryComplete(read.result());
          } else {
            result.tryFail(read.cause());
          }
        });
    return result.future().recover(e -> Future.failedFuture(transportFailure(request, e, sent.get())));
  }

  private Future<Raw> read(HttpClientResponse response) {
    Promise<Raw> read = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > maxResponseBytes) {
        read.tryFail(new IllegalStateException("the response is larger than " + maxResponseBytes + " bytes"));
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(read::tryFail);
    response.endHandler(end -> read.tryComplete(new Raw(response.statusCode(),
        response.getHeader(BunqHeaders.RESPONSE_ID), response.getHeader(BunqHeaders.SERVER_SIGNATURE), body)));
    return read.future();
  }

  private Future<BunqResponse> accept(BunqRequest request, Raw response) {
    int status = response.status();
    String responseId = response.responseId();
    Buffer raw = response.body();
    if (status < 200 || status > 299) {
      return Future.failedFuture(new BunqApiException(ErrorCode.forStatus(status), status,
          errorDescriptions(status, raw), responseId));
    }
    if (request.verifier() == null) {
      return parse(status, raw, responseId);
    }
    String signature = response.signature();
    if (signature == null) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BAD_SIGNATURE, status,
          List.of("bunq's response carries no " + BunqHeaders.SERVER_SIGNATURE + " header"), responseId));
    }
    return crypto.verify(request.verifier(), raw.getBytes(), signature).compose(valid -> valid
        ? parse(status, raw, responseId)
        : Future.failedFuture(new BunqApiException(ErrorCode.BAD_SIGNATURE, status,
            List.of("bunq's response signature does not verify with the installation's server key"), responseId)));
  }

  private static Future<BunqResponse> parse(int status, Buffer raw, String responseId) {
    JsonObject body;
    try {
      body = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BUNQ_ERROR, status,
          List.of("bunq's " + status + " response is not a JSON object"), responseId));
    }
    Object items = body.getValue("Response");
    Object pagination = body.getValue("Pagination");
    if (items != null && !(items instanceof JsonArray) || pagination != null && !(pagination instanceof JsonObject)) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BUNQ_ERROR, status,
          List.of("bunq's " + status + " response has a Response that is not a list or a Pagination that is not"
              + " an object"), responseId));
    }
    return Future.succeededFuture(new BunqResponse(status, body, responseId));
  }

  static List<String> errorDescriptions(int status, Buffer raw) {
    List<String> descriptions = new ArrayList<>();
    try {
      JsonArray errors = new JsonObject(raw).getJsonArray("Error");
      if (errors != null) {
        for (Object error : errors) {
          if (error instanceof JsonObject entry && entry.getValue("error_description") instanceof String text) {
            descriptions.add(text);
          }
        }
      }
    } catch (DecodeException | ClassCastException e) {
      descriptions.add("HTTP " + status + " with a body that is not bunq's JSON error envelope");
    }
    if (descriptions.isEmpty()) {
      descriptions.add("HTTP " + status + " without an error description");
    }
    return descriptions;
  }

  private static String reason(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static BunqApiException transportFailure(BunqRequest request, Throwable e, boolean sent) {
    BunqApiException.Delivery delivery = sent ? BunqApiException.Delivery.UNKNOWN : BunqApiException.Delivery.NOT_SENT;
    if (e instanceof TimeoutException) {
      return new BunqApiException(ErrorCode.TIMEOUT, 0, List.of(request + (sent
          ? " got no complete answer within the timeout" : " could not connect within the timeout")), null, delivery);
    }
    String what = sent ? " failed: " : " could not connect: ";
    return new BunqApiException(ErrorCode.BUNQ_ERROR, 0, List.of(request + what + reason(e)), null, delivery);
  }
}
