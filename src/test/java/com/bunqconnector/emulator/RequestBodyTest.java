package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests whose headers promise a body they do not have. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestBodyTest {

  @Test
  void getWithAFormContentTypeOverHttp2IsAnsweredNotFailed(Vertx vertx) throws Exception {
    BunqEmulator emulator = Emulators.start(vertx, new EmulatorOptions());
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(5)).build();
      for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/user"))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", type).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(type).isEqualTo(403);
        assertThat(response.body()).contains("Insufficient authentication.");
      }
    } finally {
      Emulators.stop(emulator);
    }
  }
}
