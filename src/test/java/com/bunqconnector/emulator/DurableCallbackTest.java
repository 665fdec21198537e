package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.setUserFilters;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.CallbackReceiver.Received;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable emulator tells a receiver only of changes on disk, and its callbacks on their way (with
 * their attempts) outlive a restart.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableCallbackTest {

  /** Longer than any test: a first emulator with this interval makes no retry before it is closed. */
  private static final long NO_RETRY_YET_MS = 600_000;

  @TempDir
  Path dir;
  private Vertx vertx;
  private BunqEmulator emulator;
  private CallbackReceiver receiver;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    receiver = CallbackReceiver.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
    receiver.close();
  }

  @Test
  void callbackGoesOutOnlyOnceThePaymentItTellsOfIsOnDisk() throws Exception {
    BlockingQueue<JsonObject> onDisk = new LinkedBlockingQueue<>();
    HttpServer checking = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      long paymentId = body.toJsonObject().getJsonObject("NotificationUrl").getJsonObject("object")
          .getJsonObject("Payment").getLong("id");
      vouchedPayments().onComplete(ids -> {
        onDisk.add(new JsonObject().put("paymentId", paymentId).put("saved", ids));
        request.response().end();
      }, failure -> request.response().setStatusCode(500).end());
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      emulator = start(3, 50);
      TestClient alice = TestClient.withSession(emulator.baseUrl());
      TestClient bob = TestClient.withSession(emulator.baseUrl());
      setUserFilters(bob, "http://127.0.0.1:" + checking.actualPort() + "/bob", "MUTATION");
      Path blocker = Files.createDirectories(dir.resolve(StateFile.FILE_NAME + ".tmp"));
      Files.writeString(blocker.resolve("keeps-the-directory"), "x");

      Reply unsaved = alice.pay(Emulators.payment("5.00", "IBAN", bob.iban, "not saved yet").encode());
      assertThat(unsaved.status()).isEqualTo(500);
      Files.delete(blocker.resolve("keeps-the-directory"));
      Files.delete(blocker);

      JsonObject callback = onDisk.poll(10, TimeUnit.SECONDS);
      assertThat(callback).as("the callback, once the save succeeds").isNotNull();
      assertThat(callback.getJsonArray("saved")).as("payments the state file vouches for when the callback came")
          .contains(callback.getLong("paymentId"));
    } finally {
      checking.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pendingCallbackSurvivesARestartAndArrivesOnceTheReceiverIsUp() throws Exception {
    emulator = start(5, NO_RETRY_YET_MS);
    TestClient bob = payWatchedPayeeWhileTheReceiverIsDown("across a restart");

    emulator = restart(5, 200);
    receiver.awaitFailedAttempts(1);
    receiver.failing("/down", false);

    Received delivered = receiver.take();
    assertThat(delivered.summary()).isEqualTo("/down MUTATION MUTATION_RECEIVED");
    assertThat(delivered.object("Payment").getString("description")).isEqualTo("across a restart");
    assertThat(bob.get("/user/" + bob.userId + "/notification-filter-failure").items()).isEmpty();
  }

  @Test
  void retryCountOutlivesARestartAndAFailureForGoodStaysListed() throws Exception {
    emulator = start(2, NO_RETRY_YET_MS);
    TestClient bob = payWatchedPayeeWhileTheReceiverIsDown("counted");
    awaitSavedAttempts(1);

    emulator = restart(2, 20);
    receiver.awaitFailedAttempts(2);
    String failures = "/user/" + bob.userId + "/notification-filter-failure";
    JsonObject failure = awaitFailure(bob, failures);
    assertThat(failure.getInteger("response_code")).isEqualTo(503);
    assertThat(receiver.attempts("/down")).as("one attempt and two retries in all").isEqualTo(3);

    int port = emulator.port();
    Emulators.stop(emulator);
    emulator = null;
    assertThat(savedState().getJsonArray("pendingCallbacks")).isEmpty();
    emulator = start(port, 2, 20);
    assertThat(bob.get(failures).item(0, "NotificationFilterFailure").getLong("id")).isEqualTo(failure.getLong("id"));
    assertThat(receiver.attempts("/down")).isEqualTo(3);
  }

  /**
   * Pays a new user, bob, whose MUTATION callbacks go to a receiver path answering 503, and waits for
   * the first attempt to fail.
   */
  private TestClient payWatchedPayeeWhileTheReceiverIsDown(String description) throws Exception {
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    setUserFilters(bob, receiver.url("/down"), "MUTATION");
    receiver.failing("/down", true);
    Reply paid = alice.pay(Emulators.payment("3.00", "IBAN", bob.iban, description).encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    receiver.awaitFailedAttempts(1);
    return bob;
  }

  /** The ids of the payments in the journal lines the state file vouches for, read without blocking. */
  private Future<JsonArray> vouchedPayments() {
    return vertx.fileSystem().readFile(dir.resolve(StateFile.FILE_NAME).toString()).compose(state -> {
      int length = state.toJsonObject().getInteger("journalLength");
      return vertx.fileSystem().readFile(dir.resolve(StateFile.JOURNAL_NAME).toString())
          .map(journal -> paymentIds(journal.getBuffer(0, length)));
    });
  }

  private static JsonArray paymentIds(Buffer journal) {
    JsonArray ids = new JsonArray();
    journal.toString().lines().map(JsonObject::new).filter(e -> e.containsKey("payment"))
        .forEach(e -> ids.add(e.getJsonObject("payment").getLong("id")));
    return ids;
  }

  /** Reads the state file until its one pending callback shows {@code attempts}; bounded in time. */
  private void awaitSavedAttempts(int attempts) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonArray pending = savedState().getJsonArray("pendingCallbacks");
      if (pending.size() == 1 && pending.getJsonObject(0).getInteger("attempts") == attempts) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the state file never showed " + attempts + " attempts: " + savedState());
  }

  private JsonObject savedState() throws Exception {
    return SavedState.read(dir);
  }

  /** Reads the failure list until it holds one failure; bounded. */
  private static JsonObject awaitFailure(TestClient client, String path) {
    for (int i = 0; i < 2_000; i++) {
      Reply reply = client.get(path);
      if (!reply.items().isEmpty()) {
        return reply.item(0, "NotificationFilterFailure");
      }
    }
    throw new AssertionError("no failure listed after 2000 reads");
  }

  private BunqEmulator start(int retries, long intervalMs) throws Exception {
    return start(0, retries, intervalMs);
  }

  private BunqEmulator start(int port, int retries, long intervalMs) throws Exception {
    return Emulators.start(vertx, new EmulatorOptions().setPort(port).setDataDir(dir).setInitialBalance("100.00")
        .setCallbackRetries(retries).setCallbackRetryIntervalMs(intervalMs));
  }

  /** Stops the emulator and starts one on the same port and directory with these retry options. */
  private BunqEmulator restart(int retries, long intervalMs) throws Exception {
    int port = emulator.port();
    Emulators.stop(emulator);
    emulator = null;
    return start(port, retries, intervalMs);
  }
}
