package com.bunqconnector.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.UUID;

/**
 * One HTTP request to bunq, before headers are added.
 *
 * @param method    HTTP method
 * @param url       absolute URL including the query
 * @param body      the exact body bytes to send, or {@code null} for none
 * @param authToken installation or session token for {@code X-Bunq-Client-Authentication}, or {@code null}
 * @param signer    client private key that signs the body, or {@code null} to send unsigned
 * @param verifier  server public key that must have signed a 2xx response, or {@code null} to not verify
 * @param requestId {@code X-Bunq-Client-Request-Id}: the same on every attempt of one request, so that
 *                  bunq can refuse a resend of something it already carried out
 * @param deadlineMs the caller's deadline (epoch milliseconds): no attempt starts after it; 0 for none
 */
public record BunqRequest(HttpMethod method, String url, Buffer body, String authToken, PrivateKey signer,
    PublicKey verifier, String requestId, long deadlineMs) {

  /** A request with a new random request id and no deadline of its caller. */
  public BunqRequest(HttpMethod method, String url, Buffer body, String authToken, PrivateKey signer,
      PublicKey verifier) {
    this(method, url, body, authToken, signer, verifier, 0);
  }

  /** A request with a new random request id. */
  public BunqRequest(HttpMethod method, String url, Buffer body, String authToken, PrivateKey signer,
      PublicKey verifier, long deadlineMs) {
    this(method, url, body, authToken, signer, verifier, UUID.randomUUID().toString(), deadlineMs);
  }

  /** The path of the URL, without scheme, host or query: what bunq counts rate limits on. */
  public String path() {
    int scheme = url.indexOf("://");
    int slash = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
    String path = slash < 0 ? "/" : url.substring(slash);
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  @Override
  public String toString() {
    return method + " " + path();
  }
}
