package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The browser and the app's back end in bunq's OAuth flow, with the JDK's HTTP client only:
 * {@code GET /auth} (redirects are not followed, so the test sees the 302) and {@code POST /v1/token}
 * with query parameters and an empty body.
 */
final class OauthFlow {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private final String origin;

  OauthFlow(BunqEmulator emulator) {
    this.origin = emulator.authorizeUrl().substring(0, emulator.authorizeUrl().length() - "/auth".length());
  }

  /** {@code GET /auth} with the parameters (null values left out). */
  Reply authorize(Map<String, String> params) {
    return send("GET", "/auth?" + query(params), "");
  }

  /** The parameters of a normal authorization request. */
  static Map<String, String> request(String clientId, String redirectUri, String state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", clientId);
    params.put("redirect_uri", redirectUri);
    params.put("state", state);
    return params;
  }

  /** Approves and returns the code from the redirect, checking the redirect's target and state. */
  String code(String clientId, String redirectUri, String state, String grantorUserId) {
    Map<String, String> params = request(clientId, redirectUri, state);
    params.put("user_id", grantorUserId);
    Reply reply = authorize(params);
    assertThat(reply.status()).as(reply.text()).isEqualTo(302);
    String location = reply.header("Location");
    assertThat(location).startsWith(redirectUri + "?");
    Map<String, String> back = parse(location.substring(location.indexOf('?') + 1));
    assertThat(back.get("state")).isEqualTo(state);
    return back.get("code");
  }

  /** {@code POST /v1/token?...} with an empty body, as bunq's SDKs send it. */
  Reply token(String code, String redirectUri, String clientId, String secret) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("grant_type", "authorization_code");
    params.put("code", code);
    params.put("redirect_uri", redirectUri);
    params.put("client_id", clientId);
    params.put("client_secret", secret);
    return send("POST", "/v1/token?" + query(params), "");
  }

  Reply send(String method, String pathAndQuery, String body) {
    // The form Content-Type goes on GETs too: the JDK client tries HTTP/2, where such a GET once failed (500).
    HttpRequest request = HttpRequest.newBuilder(URI.create(origin + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return TestClient.exchange(HTTP, request, method + " " + pathAndQuery);
  }

  static String query(Map<String, String> params) {
    StringJoiner joined = new StringJoiner("&");
    params.forEach((k, v) -> {
      if (v != null) {
        joined.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }

  private static Map<String, String> parse(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
