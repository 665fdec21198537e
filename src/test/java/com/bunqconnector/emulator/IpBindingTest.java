package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device's IP binding holds for every call of a session, not only for session-server: calls come
 * from 127.0.0.1 or, over a socket bound to it, from 127.0.0.2.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IpBindingTest {

  private static final String OTHER_IP = "127.0.0.2";
  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions());

  @Test
  void aSessionOfADeviceRegisteredWithoutIpsIsRefusedFromAnotherIp() {
    TestClient client = sessionWith(null);
    assertThat(client.get("/user").status()).isEqualTo(200);
    Reply elsewhere = client.getFrom(OTHER_IP, "/user");
    assertThat(elsewhere.status()).as(elsewhere.text()).isEqualTo(400);
    assertThat(elsewhere.errorDescription()).isEqualTo(ApiError.BAD_CREDENTIALS);
    assertThat(client.get("/user").status()).as("the bound IP still works").isEqualTo(200);
  }

  @Test
  void aSessionOfADeviceBoundToListedIpsWorksFromEachAndNowhereElse() {
    TestClient client = sessionWith(new JsonArray().add("127.0.0.1").add(OTHER_IP));
    assertThat(client.getFrom(OTHER_IP, "/user").status()).isEqualTo(200);
    assertThat(client.getFrom("127.0.0.3", "/user").status()).isEqualTo(400);
  }

  @Test
  void theWildcardAllowsEveryIp() {
    TestClient client = sessionWith(new JsonArray().add("*"));
    assertThat(client.getFrom(OTHER_IP, "/user").status()).isEqualTo(200);
    assertThat(client.getFrom("127.0.0.3", "/user").status()).isEqualTo(200);
  }

  private static TestClient sessionWith(JsonArray permittedIps) {
    TestClient client = new TestClient(shared.emulator.baseUrl());
    client.apiKey = client.createSandboxUser();
    client.install();
    client.registerDevice(client.apiKey, permittedIps);
    Reply session = client.openSession(client.apiKey);
    assertThat(session.status()).as(session.text()).isEqualTo(200);
    return client;
  }
}
