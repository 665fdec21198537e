package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The warm-up prepares every user's context in the background against the emulator. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WarmupTest {

  @RegisterExtension
  final EmulatorBed bed = new EmulatorBed("warmup-test-crypto");

  private UserSpec user(String id, String apiKey) {
    return new UserSpec("acme", id, bed.emulator.baseUrl(), apiKey, List.of(), apiKey == null);
  }

  @Test
  void everyUserGetsAContextWithKeysGeneratedAhead() throws Exception {
    SessionManager sessions = new SessionManager(bed.store, bed.factory);
    for (String id : List.of("u1", "u2", "u3", "u4", "u5", "u6")) {
      sessions.register(user(id, null));
    }
    JsonObject done = new Warmup(bed.vertx, sessions, 2, 100).start().await(50, TimeUnit.SECONDS);
    assertThat(done.getInteger("total")).isEqualTo(6);
    assertThat(done.getInteger("ready")).isEqualTo(6);
    assertThat(done.getInteger("failed")).isZero();
    assertThat(done.getBoolean("done")).isTrue();
    assertThat(bed.store.size().await(5, TimeUnit.SECONDS)).isEqualTo(6);
    assertThat(bed.factory.installationsCreated()).isEqualTo(6);
    assertThat(bed.factory.keysUsedFromSpares()).as("key pairs made ahead were used").isPositive();
  }

  @Test
  void readyUserIsServedWhileTheWarmupWaitsOnOthers() throws Exception {
    Promise<Void> gate = Promise.promise();
    ContextCreator held = new ContextCreator() {
      @Override
      public Future<SessionContext> create(UserSpec spec) {
        return spec.user().equals("ready") ? bed.factory.create(spec)
            : gate.future().compose(v -> bed.factory.create(spec));
      }

      @Override
      public Future<SessionContext> renew(UserSpec spec, SessionContext stale) {
        return bed.factory.renew(spec, stale);
      }
    };
    SessionManager sessions = new SessionManager(bed.store, held);
    sessions.register(user("ready", null));
    SessionContext before = sessions.context("acme", "ready").await(20, TimeUnit.SECONDS);
    sessions.register(user("cold1", null));
    sessions.register(user("cold2", null));
    Warmup warmup = new Warmup(bed.vertx, sessions, 1, 100);
    Future<JsonObject> done = warmup.start();
    SessionContext during = sessions.context("acme", "ready").await(20, TimeUnit.SECONDS);
    assertThat(during.sessionToken()).isEqualTo(before.sessionToken());
    assertThat(done.isComplete()).as("the warm-up still waits for the cold users").isFalse();
    gate.complete();
    assertThat(done.await(40, TimeUnit.SECONDS).getInteger("ready")).isEqualTo(3);
  }

  @Test
  void userBunqRefusesIsCountedAsFailedOnceAndOthersStillWarmUp() throws Exception {
    SessionManager sessions = new SessionManager(bed.store, bed.factory);
    sessions.register(user("good", null));
    sessions.register(user("revoked", "sandbox_" + "0".repeat(56)));
    JsonObject done;
    String log;
    try (LogCapture logs = new LogCapture()) {
      done = new Warmup(bed.vertx, sessions, 2, 100).start().await(50, TimeUnit.SECONDS);
      log = logs.text();
    }
    assertThat(done.getInteger("ready")).isEqualTo(1);
    assertThat(done.getInteger("failed")).isEqualTo(1);
    assertThat(bed.factory.installationsCreated()).as("a refused user is not tried again").isEqualTo(2);
    assertThat(log).contains("gave up on acme/revoked at attempt 1").doesNotContain("sandbox_0000");
  }
}
