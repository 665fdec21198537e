package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The durable writer on its own: no waiter is left behind by a close or by another waiter's callback. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DurabilityTest {

  @TempDir
  Path dir;
  private Context context;
  private WorkerExecutor worker;
  private EmulatorState state;
  private Durability durability;

  @BeforeEach
  void start(Vertx vertx) {
    context = vertx.getOrCreateContext();
    worker = vertx.createSharedWorkerExecutor("durability-test", 1);
    state = new EmulatorState(Clock.systemUTC());
    OauthRegistry oauth = new OauthRegistry(state);
    ResourceStore store = new ResourceStore();
    ChangeLog.Opened opened = ChangeLog.open(new StateFile(dir), state, oauth, store, ChangeLog.COMPACT_MINIMUM);
    StateWriter writer = new StateWriter(state, oauth, store, new Seeder.Result(List.of(), List.of()),
        opened.compactFirst());
    durability = Durability.of(context, worker, state, writer, opened.log());
  }

  @AfterEach
  void stop() throws Exception {
    worker.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void changeMadeWhileTheCloseWritesIsSavedBeforeTheCloseCompletes() throws Exception {
    Promise<Future<Void>> during = Promise.promise();
    Future<Void> closed = onContext(() -> {
      state.changed();
      Future<Void> close = durability.close();
      // Runs after the close's write has begun: the write's snapshot does not hold this change.
      context.runOnContext(v -> {
        state.changed();
        during.complete(durability.settled());
      });
      return close;
    });

    Future<Void> later = during.future().await(10, TimeUnit.SECONDS);
    closed.await(10, TimeUnit.SECONDS);
    assertThat(later.isComplete()).as("settled once the close completed").isTrue();
    assertThat(later.succeeded()).as("saved by one more round").isTrue();
    Future<Void> after = onContext(durability::settled);
    assertThat(after.failed()).isTrue();
    assertThat(after.cause()).isInstanceOf(Durability.Closed.class);
  }

  @Test
  void aCallThatWaitsAgainWhenItsWriteIsDoneLeavesTheOtherWaitersOfThatWriteSettled() throws Exception {
    Promise<Future<Void>> again = Promise.promise();
    try (LogCapture log = new LogCapture()) {
      Future<Void> other = onContext(() -> {
        state.changed();
        Future<Void> first = durability.settled();
        Future<Void> second = durability.settled();
        first.onSuccess(v -> {
          state.changed();
          again.complete(durability.settled());
        });
        return second;
      });
      other.await(10, TimeUnit.SECONDS);
      again.future().await(10, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      assertThat(log.text()).doesNotContain("Unhandled exception").doesNotContain("ConcurrentModification");
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) throws Exception {
    Promise<Future<T>> result = Promise.promise();
    context.runOnContext(v -> result.complete(action.get()));
    return result.future().await(10, TimeUnit.SECONDS);
  }
}
