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

/** A durable emulator tells a receiver only of changes that are on disk. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableCallbackTest {

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

  private BunqEmulator start(int retries, long intervalMs) throws Exception {
    return Emulators.start(vertx, new EmulatorOptions().setDataDir(dir).setInitialBalance("100.00")
        .setCallbackRetries(retries).setCallbackRetryIntervalMs(intervalMs));
  }
}
