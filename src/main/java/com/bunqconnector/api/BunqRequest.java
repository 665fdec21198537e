package com.bunqconnector.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * One HTTP request to bunq, before headers are added.
 *
 * @param method    HTTP method
 * @param url       absolute URL including the query
 * @param body      the exact body bytes to send, or {@code null} for none
 * @param authToken installation or session token for {@code X-Bunq-Client-Authentication}, or {@code null}
 * @param signer    client private key that signs the body, or {@code null} to send unsigned
 * @param verifier  server public key that must have signed a 2xx response, or {@code null} to not verify
 */
public record BunqRequest(HttpMethod method, String url, Buffer body, String authToken, PrivateKey signer,
    PublicKey verifier) {

  @Override
  public String toString() {
    return method + " " + url;
  }
}
