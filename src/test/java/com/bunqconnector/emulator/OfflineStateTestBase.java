package com.bunqconnector.emulator;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of a durable emulator's files without its HTTP side share: a data directory (and one
 * for copies of it), the context and worker an {@link OfflineState} runs on, and the state under test,
 * closed after each test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class OfflineStateTestBase {

  @TempDir
  Path dir;
  @TempDir
  Path copies;
  /** The state under test, if open: closed after the test. */
  OfflineState durable;
  private final long minimum;
  private Context context;
  private WorkerExecutor worker;

  /** Tests whose states compact past {@code minimum} journal records ({@link ChangeLog#COMPACT_MINIMUM}). */
  OfflineStateTestBase(long minimum) {
    this.minimum = minimum;
  }

  @BeforeEach
  void start(Vertx vertx) {
    context = vertx.getOrCreateContext();
    worker = vertx.createSharedWorkerExecutor(getClass().getSimpleName(), 1);
  }

  @AfterEach
  void stop() throws Exception {
    if (durable != null) {
      durable.close();
    }
    worker.close().await(10, TimeUnit.SECONDS);
  }

  /** The state saved in {@code data}, loaded as a start loads it. */
  OfflineState open(Path data) {
    return new OfflineState(context, worker, data, minimum);
  }

  /** The objects saved in {@code data}, loaded and closed again. */
  Map<String, Map<Object, String>> dumpOf(Path data) throws Exception {
    OfflineState loaded = open(data);
    try {
      return loaded.dump();
    } finally {
      loaded.close();
    }
  }
}
