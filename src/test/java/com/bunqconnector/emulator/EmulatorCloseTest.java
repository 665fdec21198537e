package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Closing an emulator while calls are in flight: every call gets an answer soon, and the close completes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulatorCloseTest {

  private static final int CLIENTS = 8;
  private static final int CALLS = 64;
  private static final int JAVA_CALLS = 2_000;

  @TempDir
  Path dir;
  private Vertx vertx;
  private BunqEmulator emulator;
  private ExecutorService pool;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    pool = Executors.newFixedThreadPool(CLIENTS);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    Emulators.stop(emulator);
  }

  @ParameterizedTest(name = "durable {0}")
  @ValueSource(booleans = {true, false})
  void callsInFlightWhileClosingEndPromptlyAndTheCloseCompletes(boolean durable) throws Exception {
    EmulatorOptions options = new EmulatorOptions().setInitialBalance("1000.00");
    emulator = Emulators.start(vertx, durable ? options.setDataDir(dir) : options);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    List<CompletableFuture<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      String body = Emulators.payment("1.00", "IBAN", bob.iban, "closing " + i).encode();
      calls.add(CompletableFuture.supplyAsync(() -> alice.pay(body), pool));
    }
    calls.get(0).get(10, TimeUnit.SECONDS);
    CompletableFuture<List<Future<?>>> javaCaller = CompletableFuture.supplyAsync(() -> {
      List<Future<?>> javaCalls = new ArrayList<>();
      for (int i = 0; i < JAVA_CALLS; i++) {
        javaCalls.add(emulator.simulateCardPayment(alice.accountId, "0.50", "Kiosk", "NL", false));
      }
      return javaCalls;
    }, pool);

    emulator.stop().await(10, TimeUnit.SECONDS);

    for (CompletableFuture<Reply> call : calls) {
      try {
        Reply reply = call.get(12, TimeUnit.SECONDS);
        assertThat(reply.status()).as(reply.text()).isIn(200, 503);
        if (reply.status() == 503) {
          assertThat(reply.errorDescription()).contains("shutting down");
        }
      } catch (ExecutionException e) {
        assertThat(e.getCause().getCause()).as("the connection closed, not a call left waiting: %s", e.getCause())
            .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
      }
    }
    for (Future<?> call : javaCaller.get(10, TimeUnit.SECONDS)) {
      assertThat(call.toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure == null
          || failure instanceof IllegalStateException).get(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
