package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An independent bunq client for testing the emulator: the JDK's HTTP client, key generator and
 * {@code SHA256withRSA}, nothing from the project's own code. Blocking; use it from test threads.
 */
final class TestClient {

  /** One HTTP exchange: status, headers and the exact body bytes. */
  record Reply(int status, Map<String, String> headers, byte[] raw) {

    String text() {
      return new String(raw, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }

    /** The i-th wrapped item of {@code Response}, e.g. {@code item(0, "Id")}. */
    JsonObject item(int index, String type) {
      JsonObject wrapper = json().getJsonArray("Response").getJsonObject(index);
      assertThat(wrapper.fieldNames()).containsExactly(type);
      return wrapper.getJsonObject(type);
    }

    JsonArray items() {
      return json().getJsonArray("Response");
    }

    String errorDescription() {
      return json().getJsonArray("Error").getJsonObject(0).getString("error_description");
    }

    /** Header by name, case-insensitively. */
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  /**
   * HTTP/1.1, as bunq's SDKs and the connector speak to a plain-HTTP base URL. The JDK client's default
   * upgrades each connection to HTTP/2 (h2c); with it, about one run in eight of EmulatorCloseTest left
   * a call of a closing emulator waiting for its timeout rather than failing. (RequestBodyTest covers
   * HTTP/2 on its own.)
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final String base;
  final KeyPair keys;
  String installationToken;
  PublicKey serverKey;
  String apiKey;
  String sessionToken;
  long sessionId;
  String userKind;
  long userId;
  long accountId;
  String iban;
  String email;

  TestClient(String baseUrl) {
    this.base = baseUrl;
    this.keys = generateKeys();
  }

  /** A new sandbox user with installation, device and session, and its first account loaded. */
  static TestClient withSession(String baseUrl) {
    TestClient client = new TestClient(baseUrl);
    client.apiKey = client.createSandboxUser();
    client.install();
    client.registerDevice(client.apiKey);
    client.openSession(client.apiKey);
    client.loadAccount();
    return client;
  }

  String createSandboxUser() {
    Reply reply = send("POST", "/sandbox-user-person", null, "", false);
    assertThat(reply.status()).isEqualTo(200);
    return reply.item(0, "ApiKey").getString("api_key");
  }

  Reply install() {
    return install(pem(keys.getPublic(), "\n", true));
  }

  Reply install(String clientPem) {
    String body = new JsonObject().put("client_public_key", clientPem).encode();
    Reply reply = send("POST", "/installation", null, body, false);
    if (reply.status() == 200) {
      installationToken = reply.item(1, "Token").getString("token");
      serverKey = parsePublicPem(reply.item(2, "ServerPublicKey").getString("server_public_key"));
    }
    return reply;
  }

  Reply registerDevice(String secret) {
    return registerDevice(secret, new JsonArray().add("*"));
  }

  /** Registers the secret with these {@code permitted_ips}; null leaves the field out (binds the caller's IP). */
  Reply registerDevice(String secret, JsonArray permittedIps) {
    JsonObject body = new JsonObject().put("description", "emulator test").put("secret", secret);
    if (permittedIps != null) {
      body.put("permitted_ips", permittedIps);
    }
    Reply reply = send("POST", "/device-server", installationToken, body.encode(), true);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply;
  }

  /** Opens a session; on success remembers the token, the session id and the user (of whatever kind). */
  Reply openSession(String secret) {
    Reply reply = send("POST", "/session-server", installationToken, new JsonObject().put("secret", secret).encode(),
        true);
    if (reply.status() == 200) {
      sessionId = reply.item(0, "Id").getLong("id");
      sessionToken = reply.item(1, "Token").getString("token");
      JsonObject wrapper = reply.items().getJsonObject(2);
      assertThat(wrapper.fieldNames()).hasSize(1);
      userKind = wrapper.fieldNames().iterator().next();
      userId = wrapper.getJsonObject(userKind).getLong("id");
    }
    return reply;
  }

  /** Installation, device and session for an existing secret (API key or OAuth access token). */
  static TestClient withSession(String baseUrl, String secret) {
    TestClient client = new TestClient(baseUrl);
    client.apiKey = secret;
    client.install();
    client.registerDevice(secret);
    Reply session = client.openSession(secret);
    assertThat(session.status()).as(session.text()).isEqualTo(200);
    return client;
  }

  void loadAccount() {
    Reply reply = get("/user/" + userId + "/monetary-account-bank");
    assertThat(reply.status()).isEqualTo(200);
    JsonObject account = reply.item(0, "MonetaryAccountBank");
    accountId = account.getLong("id");
    JsonArray alias = account.getJsonArray("alias");
    for (int i = 0; i < alias.size(); i++) {
      JsonObject pointer = alias.getJsonObject(i);
      if ("IBAN".equals(pointer.getString("type"))) {
        iban = pointer.getString("value");
      } else if ("EMAIL".equals(pointer.getString("type"))) {
        email = pointer.getString("value");
      }
    }
  }

  String balance() {
    return get("/user/" + userId + "/monetary-account-bank/" + accountId)
        .item(0, "MonetaryAccountBank").getJsonObject("balance").getString("value");
  }

  Reply get(String path) {
    return send("GET", path, sessionToken, "", false);
  }

  /** POSTs a payment body (sent byte for byte as given) from this client's account, signed. */
  Reply pay(String body) {
    return send("POST", paymentsPath(), sessionToken, body, true);
  }

  String paymentsPath() {
    return "/user/" + userId + "/monetary-account/" + accountId + "/payment";
  }

  Reply send(String method, String path, String token, String body, boolean sign) {
    String signature = sign ? sign(keys.getPrivate(), body.getBytes(StandardCharsets.UTF_8)) : null;
    return send(method, path, token, body, signature, Map.of());
  }

  Reply send(String method, String path, String token, String body, String signature, Map<String, String> headers) {
    Map<String, String> withType = new LinkedHashMap<>(headers);
    withType.putIfAbsent("Content-Type", "application/json");
    return sendBytes(method, path, token, body.getBytes(StandardCharsets.UTF_8), signature, withType);
  }

  /** Sends {@code body} as it is, with only the given headers beyond the ones every call has (no Content-Type). */
  Reply sendBytes(String method, String path, String token, byte[] body, String signature,
      Map<String, String> headers) {
    boolean fromRoot = path.startsWith("/v1/") || path.startsWith("/emulator/");
    String url = fromRoot ? base.substring(0, base.length() - 3) + path : base + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Cache-Control", "no-cache")
        .header("User-Agent", "emulator-test")
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("X-Bunq-Client-Authentication", token);
    }
    if (signature != null) {
      request.header("X-Bunq-Client-Signature", signature);
    }
    headers.forEach(request::header);
    return exchange(HTTP, request.build(), "request " + method + " " + path);
  }

  /**
   * Sends {@code request} with {@code http} and reads the whole answer, keeping the first value of
   * each header; {@code what} names the call when it fails.
   */
  static Reply exchange(HttpClient http, HttpRequest request, String what) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> headers = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> headers.put(k, v.get(0)));
      return new Reply(response.statusCode(), headers, response.body());
    } catch (IOException e) {
      throw new IllegalStateException(what + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * GETs {@code path} with the session token over a plain socket whose local end is {@code localIp}
   * (another loopback address such as 127.0.0.2), so that the emulator sees another caller IP.
   */
  Reply getFrom(String localIp, String path) {
    return overSocket(localIp, "GET", path, Map.of(), new byte[0]);
  }

  /**
   * Sends {@code body} with the session token and {@code headers} over a plain socket from 127.0.0.1,
   * each header value's characters written as one byte each (ISO-8859-1): a value made of a UTF-8
   * text's bytes reaches the emulator as those bytes, which {@link java.net.http.HttpClient} does not do.
   */
  Reply sendOverSocket(String method, String path, Map<String, String> headers, byte[] body) {
    return overSocket("127.0.0.1", method, path, headers, body);
  }

  private Reply overSocket(String localIp, String method, String path, Map<String, String> headers, byte[] body) {
    URI uri = URI.create(base + path);
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(10_000);
      socket.bind(new InetSocketAddress(localIp, 0));
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      StringBuilder request = new StringBuilder(method + " " + uri.getRawPath() + " HTTP/1.1\r\nHost: "
          + uri.getHost() + ":" + uri.getPort() + "\r\nCache-Control: no-cache\r\nUser-Agent: emulator-test\r\n"
          + "X-Bunq-Client-Authentication: " + sessionToken + "\r\nConnection: close\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      if (body.length > 0) {
        request.append("Content-Length: ").append(body.length).append("\r\n");
      }
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      String[] parts = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\r\n\r\n", 2);
      String[] lines = parts[0].split("\r\n");
      Map<String, String> replyHeaders = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        replyHeaders.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      return new Reply(status, replyHeaders, parts.length < 2 ? new byte[0]
          : parts[1].getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("request " + method + " " + path + " from " + localIp + " failed", e);
    }
  }

  /** Whether the reply's server signature verifies over the raw body with the installation's server key. */
  boolean serverSignatureValid(Reply reply) {
    String signature = reply.header("X-Bunq-Server-Signature");
    if (signature == null) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(serverKey);
      verifier.update(reply.raw());
      return verifier.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newRequestId() {
    return UUID.randomUUID().toString();
  }

  static KeyPair generateKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(PrivateKey key, byte[] body) {
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(body);
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** X.509 PEM with the given line end, optionally with a final line end. */
  static String pem(PublicKey key, String eol, boolean finalEol) {
    String b64 = Base64.getMimeEncoder(64, eol.getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----" + eol + b64 + eol + "-----END PUBLIC KEY-----" + (finalEol ? eol : "");
  }

  static PublicKey parsePublicPem(String pem) {
    String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
        .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
