package com.bunqconnector.emulator;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of a durable emulator over HTTP share: its data directory, the Vert.x it runs on, the
 * emulator under test (stopped after each test) and its options, and the stop that a restart on the same
 * port begins with.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class DurableEmulatorTestBase {

  @TempDir
  Path dir;
  Vertx vertx;
  /** The emulator under test, if running: stopped after the test. */
  BunqEmulator emulator;

  @BeforeEach
  void keepVertx(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
  }

  /** Options of an emulator on {@code port} keeping its state in {@link #dir}, accounts opening with 100.00. */
  EmulatorOptions durable(int port) {
    return new EmulatorOptions().setPort(port).setDataDir(dir).setInitialBalance("100.00");
  }

  /** Stops {@code running} as a process restart would, and returns its port for the next start. */
  int stopForRestart(BunqEmulator running) throws Exception {
    int port = running.port();
    Emulators.stop(running);
    emulator = null;
    return port;
  }
}
