package com.bunqconnector.api;

import com.bunqconnector.crypto.CryptoWorker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request to bunq the way bunq wants it: its headers, a fresh request id, the body
 * signed on the crypto worker pool, and a 2xx answer accepted only when its
 * {@code X-Bunq-Server-Signature} verifies over the exact bytes received.
 *
 * <p>Does not log: failures travel as {@link BunqApiException}s in the returned future.
 */
public final class BunqHttp {

  private static final byte[] EMPTY = new byte[0];

  private final WebClient client;
  private final CryptoWorker crypto;
  private final long timeoutMs;

  public BunqHttp(WebClient client, CryptoWorker crypto, long timeoutMs) {
    this.client = client;
    this.crypto = crypto;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Sends the request.
   *
   * @return the verified response; or a future failed with {@link BunqApiException}: bunq's error
   *     status and descriptions, {@code bad-signature} for a 2xx that does not verify, {@code timeout},
   *     or {@code bunq-error} when no usable answer arrived
   */
  public Future<BunqResponse> send(BunqRequest request) {
    Future<String> signature = request.signer() == null
        ? Future.succeededFuture(null)
        : crypto.sign(request.signer(), request.body() == null ? EMPTY : request.body().getBytes());
    return signature
        .compose(sig -> transmit(request, sig))
        .compose(response -> accept(request, response));
  }

  private Future<HttpResponse<Buffer>> transmit(BunqRequest request, String signature) {
    HttpRequest<Buffer> http = client.requestAbs(request.method(), request.url())
        .timeout(timeoutMs)
        .putHeader("Cache-Control", "no-cache")
        .putHeader("User-Agent", BunqHeaders.USER_AGENT)
        .putHeader(BunqHeaders.LANGUAGE, "en_US")
        .putHeader(BunqHeaders.REGION, "nl_NL")
        .putHeader(BunqHeaders.GEOLOCATION, "0 0 0 0 000")
        .putHeader(BunqHeaders.REQUEST_ID, UUID.randomUUID().toString());
    if (request.authToken() != null) {
      http.putHeader(BunqHeaders.AUTHENTICATION, request.authToken());
    }
    if (signature != null) {
      http.putHeader(BunqHeaders.CLIENT_SIGNATURE, signature);
    }
    Future<HttpResponse<Buffer>> sent;
    if (request.body() == null) {
      sent = http.send();
    } else {
      sent = http.putHeader("Content-Type", "application/json").sendBuffer(request.body());
    }
    return sent.recover(e -> Future.failedFuture(transportFailure(request, e)));
  }

  private Future<BunqResponse> accept(BunqRequest request, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String responseId = response.getHeader(BunqHeaders.RESPONSE_ID);
    Buffer raw = response.body() == null ? Buffer.buffer() : response.body();
    if (status < 200 || status > 299) {
      return Future.failedFuture(new BunqApiException(ErrorCode.forStatus(status), status,
          errorDescriptions(status, raw), responseId));
    }
    if (request.verifier() == null) {
      return parse(status, raw, responseId);
    }
    String signature = response.getHeader(BunqHeaders.SERVER_SIGNATURE);
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
    try {
      return Future.succeededFuture(new BunqResponse(status, new JsonObject(raw), responseId));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new BunqApiException(ErrorCode.BUNQ_ERROR, status,
          List.of("bunq's " + status + " response is not a JSON object"), responseId));
    }
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

  private static BunqApiException transportFailure(BunqRequest request, Throwable e) {
    if (e instanceof TimeoutException) {
      return new BunqApiException(ErrorCode.TIMEOUT, 0,
          List.of(request.method() + " " + pathOf(request.url()) + " got no answer within the timeout"), null);
    }
    return new BunqApiException(ErrorCode.BUNQ_ERROR, 0,
        List.of(request.method() + " " + pathOf(request.url()) + " failed: " + e.getMessage()), null);
  }

  private static String pathOf(String url) {
    int scheme = url.indexOf("://");
    int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    int query = url.indexOf('?');
    String path = slash < 0 ? url : url.substring(slash);
    return query < 0 ? path : path.substring(0, path.indexOf('?'));
  }
}
