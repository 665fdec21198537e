package com.bunqconnector.callback;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it on a Vert.x timer, never by sleeping. */
public final class Eventually {

  private Eventually() {
  }

  /** Returns once the condition holds; throws after {@code timeoutMs} saying what was awaited. */
  public static void until(Vertx vertx, String what, long timeoutMs, BooleanSupplier condition) throws Exception {
    Promise<Void> met = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    vertx.setPeriodic(20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        met.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        met.tryFail(new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what));
      }
    });
    met.future().await(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
  }

  /** Like {@link #until}, for a condition that is asked asynchronously (such as the size of a shared map). */
  public static void untilAsync(Vertx vertx, String what, long timeoutMs, Supplier<Future<Boolean>> condition)
      throws Exception {
    Promise<Void> met = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    vertx.runOnContext(start -> poll(vertx, what, timeoutMs, deadline, condition, met));
    met.future().await(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
  }

  private static void poll(Vertx vertx, String what, long timeoutMs, long deadline,
      Supplier<Future<Boolean>> condition, Promise<Void> met) {
    condition.get().onComplete(answer -> {
      if (answer.succeeded() && answer.result()) {
        met.tryComplete();
      } else if (System.nanoTime() > deadline) {
        met.tryFail(new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what));
      } else {
        vertx.setTimer(20, id -> poll(vertx, what, timeoutMs, deadline, condition, met));
      }
    });
  }
}
