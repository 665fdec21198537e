package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stored context belongs to one bunq (its {@code bunq} field) and is used at whatever URL that
 * bunq has now; a user moved to another bunq gets a new context. Each manager here stands for a
 * node started again with a changed configuration, over the same stored map.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextOwnershipTest {

  @RegisterExtension
  final EmulatorBed bed = new EmulatorBed("ownership-test-crypto");

  private SessionManager nodeFor(String baseUrl, String bunq) {
    SessionManager sessions = new SessionManager(bed.store, bed.factory);
    sessions.register(new UserSpec("acme", "alice", baseUrl, null, List.of(), true, false, bunq));
    return sessions;
  }

  private String storedBunq() {
    String raw = bed.vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await().get("acme/alice")
        .await();
    return new JsonObject(raw).getString("bunq");
  }

  @Test
  void restartedNodeKeepsTheContextOfTheSameBunqAtItsNewAddress() throws Exception {
    SessionContext first = nodeFor(bed.emulator.baseUrl(), "emulator one").context("acme", "alice")
        .await(30, TimeUnit.SECONDS);
    assertThat(storedBunq()).isEqualTo("emulator one");

    String moved = "http://127.0.0.1:1/v1";
    SessionContext again = nodeFor(moved, "emulator one").context("acme", "alice").await(30, TimeUnit.SECONDS);
    assertThat(again.sessionToken()).isEqualTo(first.sessionToken());
    assertThat(again.installationToken()).isEqualTo(first.installationToken());
    assertThat(again.baseUrl()).as("calls go to the bunq's current address").isEqualTo(moved);
    assertThat(bed.factory.installationsCreated()).isEqualTo(1);
    assertThat(bed.factory.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void userMovedToAnotherBunqGetsANewContextThatReplacesTheStoredOne() throws Exception {
    SessionContext sandbox = nodeFor(bed.emulator.baseUrl(), "sandbox").context("acme", "alice")
        .await(30, TimeUnit.SECONDS);
    try (LogCapture log = new LogCapture()) {
      SessionManager production = nodeFor(bed.emulator.baseUrl(), "production");
      SessionContext moved = production.context("acme", "alice").await(30, TimeUnit.SECONDS);
      assertThat(moved.installationToken()).isNotEqualTo(sandbox.installationToken());
      assertThat(moved.apiKey()).as("the other bunq's sandbox key is not carried over").isNotEqualTo(sandbox.apiKey());
      assertThat(bed.factory.installationsCreated()).isEqualTo(2);
      assertThat(storedBunq()).isEqualTo("production");
      assertThat(production.context("acme", "alice").await(30, TimeUnit.SECONDS).sessionToken())
          .isEqualTo(moved.sessionToken());
      assertThat(log.text()).contains("The stored bunq context of acme/alice belongs to sandbox, but the user is now"
          + " configured for production");
    }
  }
}
