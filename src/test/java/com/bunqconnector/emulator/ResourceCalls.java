package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/** Request helpers for the resource tests, on top of {@link TestClient}; blocking, for test threads. */
final class ResourceCalls {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ResourceCalls() {
  }

  /** {@code /user/{id}/monetary-account/{account}} of the client's first account. */
  static String accountPath(TestClient client) {
    return accountPath(client, client.accountId);
  }

  static String accountPath(TestClient client, long accountId) {
    return "/user/" + client.userId + "/monetary-account/" + accountId;
  }

  static Reply post(TestClient client, String path, JsonObject body) {
    return client.send("POST", path, client.sessionToken, body.encode(), false);
  }

  static Reply put(TestClient client, String path, JsonObject body, boolean signed) {
    return client.send("PUT", path, client.sessionToken, body.encode(), signed);
  }

  /** POSTs and expects 200 with an {@code Id}; returns the id. */
  static long create(TestClient client, String path, JsonObject body) {
    Reply reply = post(client, path, body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.item(0, "Id").getLong("id");
  }

  /** GETs one object and unwraps it. */
  static JsonObject read(TestClient client, String path, String type) {
    Reply reply = client.get(path);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.item(0, type);
  }

  static String balance(TestClient client, long accountId) {
    return read(client, "/user/" + client.userId + "/monetary-account-bank/" + accountId, "MonetaryAccountBank")
        .getJsonObject("balance").getString("value");
  }

  static JsonObject amount(String value) {
    return new JsonObject().put("value", value).put("currency", "EUR");
  }

  static JsonObject pointer(String type, String value, String name) {
    return new JsonObject().put("type", type).put("value", value).put("name", name);
  }

  /** Replaces the filters at {@code path} with one per category, all to {@code target}. */
  static void setFilters(TestClient client, String path, String target, String... categories) {
    JsonArray filters = new JsonArray();
    for (String category : categories) {
      filters.add(new JsonObject().put("category", category).put("notification_target", target));
    }
    Reply reply = post(client, path, new JsonObject().put("notification_filters", filters));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
  }

  static void setUserFilters(TestClient client, String target, String... categories) {
    setFilters(client, "/user/" + client.userId + "/notification-filter-url", target, categories);
  }

  static void setAccountFilters(TestClient client, long accountId, String target, String... categories) {
    setFilters(client, accountPath(client, accountId) + "/notification-filter-url", target, categories);
  }

  /** POSTs to an emulator-only admin route ({@code path} starts with {@code /emulator/admin}). */
  static Reply admin(BunqEmulator emulator, String path, String body) {
    String root = emulator.baseUrl().substring(0, emulator.baseUrl().length() - "/v1".length());
    HttpRequest request = HttpRequest.newBuilder(URI.create(root + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return TestClient.exchange(HTTP, request, "admin call " + path);
  }

  /** POSTs {@code body} as it is; a null type or description leaves that header out. */
  static Reply upload(TestClient client, String path, byte[] body, String type, String description,
      boolean sign) {
    String signature = sign ? TestClient.sign(client.keys.getPrivate(), body) : null;
    return client.sendBytes("POST", path, client.sessionToken, body, signature, uploadHeaders(type, description));
  }

  /** The headers of an upload; a null type or description leaves that header out. */
  static Map<String, String> uploadHeaders(String type, String description) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (type != null) {
      headers.put("Content-Type", type);
    }
    if (description != null) {
      headers.put("X-Bunq-Attachment-Description", description);
    }
    return headers;
  }

  /** An image of the given size in {@code format} (png, gif, jpeg), with seeded noise. */
  static byte[] image(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(width * 31L + height);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertThat(ImageIO.write(image, format, out)).as("a JDK writer for " + format).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code size} bytes that start as a PDF does. */
  static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) ' ');
    byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, bytes, 0, header.length);
    return bytes;
  }
}
