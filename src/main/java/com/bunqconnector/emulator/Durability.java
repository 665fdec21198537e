package com.bunqconnector.emulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a durable emulator's changes onto disk with group commit: one writer, one snapshot at a time.
 * A snapshot is taken on the emulator's context in a turn of its own (so it never sees a change half
 * made), then compared with what is on disk, encoded and written (a compaction too) by the
 * {@link ChangeLog} on a worker thread; every caller of
 * {@link #settled()} waits for the first write that includes the changes announced before it, so
 * many concurrent calls share one write. An emulator without a data directory uses {@link #NONE},
 * which writes nothing and never waits.
 *
 * <p>Used on the emulator's context only.
 */
class Durability {

  /** No data directory: nothing is written and every change counts as settled at once. */
  static final Durability NONE = new Durability();

  private static final Logger log = LoggerFactory.getLogger(Durability.class);
  /** Rounds of writes {@link #close()} makes for changes that keep coming in while it closes. */
  private static final int CLOSING_ROUNDS = 3;

  /**
   * Why a change was not (and will not be) saved: the emulator closed first. Calls waiting for it get
   * a 503; without a stack trace, as it is expected and may come in numbers.
   */
  static final class Closed extends IllegalStateException {
    Closed() {
      super("the emulator is shutting down: the change is not saved");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private Durability() {
  }

  /** Whether a call with this method counts as a change: any but GET and HEAD. */
  static boolean changes(HttpMethod method) {
    return method != HttpMethod.GET && method != HttpMethod.HEAD;
  }

  /**
   * What an answer to a call waits for: once every change announced so far is on disk, {@code change}
   * (the call's own) included. A call that changed nothing causes no write and waits, as a read does,
   * only for changes announced before it, so that no answer tells of a change not yet saved.
   */
  Future<Void> beforeAnswer(boolean change) {
    return Future.succeededFuture();
  }

  /** Completes once every change announced so far is on disk. */
  Future<Void> settled() {
    return Future.succeededFuture();
  }

  /** Schedules a write of the changes announced so far, without waiting for it. */
  void schedule() {
  }

  /**
   * Writes what was announced (a few rounds while changes still come in), then writes no more and
   * releases the file: a waiter left over fails with {@link Closed}, as does every later
   * {@link #settled()}. Idempotent.
   */
  Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * A durable emulator's writer: snapshots of {@code state} by {@code snapshots}, written by
   * {@code log} on {@code worker}. {@link #close()} releases the log's file, not the worker.
   */
  static Durability of(Context context, WorkerExecutor worker, EmulatorState state, StateWriter snapshots,
      ChangeLog log) {
    return new Writer(context, worker, state, snapshots, log);
  }

  private static final class Writer extends Durability {
    private final Context context;
    private final WorkerExecutor worker;
    private final EmulatorState state;
    private final StateWriter snapshots;
    private final ChangeLog file;
    private final List<Waiter> waiters = new ArrayList<>();
    /** The change count the file holds. */
    private long written;
    private boolean writing;
    private boolean scheduled;
    private boolean closed;
    /** Set once {@link #close()} is called; completes when the file is released. */
    private Promise<Void> closing;

    Writer(Context context, WorkerExecutor worker, EmulatorState state, StateWriter snapshots, ChangeLog file) {
      this.context = context;
      this.worker = worker;
      this.state = state;
      this.snapshots = snapshots;
      this.file = file;
      this.written = state.changes();
    }

    @Override
    Future<Void> beforeAnswer(boolean change) {
      if (change) {
        state.changed();
      }
      return settled();
    }

    @Override
    Future<Void> settled() {
      long target = state.changes();
      if (closed) {
        return Future.failedFuture(new Closed());
      }
      if (target <= written) {
        return Future.succeededFuture();
      }
      Promise<Void> promise = Promise.promise();
      waiters.add(new Waiter(target, promise));
      schedule();
      return promise.future();
    }

    @Override
    void schedule() {
      if (writing || scheduled || closed) {
        return;
      }
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        write();
      });
    }

    @Override
    Future<Void> close() {
      if (closing == null) {
        closing = Promise.promise();
        closeAfter(CLOSING_ROUNDS);
      }
      return closing.future();
    }

    /** Settles what was announced so far; closes once nothing new came in meanwhile, or after {@code rounds}. */
    private void closeAfter(int rounds) {
      long target = state.changes();
      settled().onComplete(saved -> {
        if (state.changes() > target && rounds > 1) {
          closeAfter(rounds - 1);
        } else {
          finish();
        }
      }, failure -> finish());
    }

    private void finish() {
      closed = true;
      Closed failure = new Closed();
      List<Waiter> left = new ArrayList<>(waiters);
      waiters.clear();
      left.forEach(waiter -> waiter.promise().fail(failure));
      worker.<Void>executeBlocking(() -> {
        file.close();
        return null;
      }).onComplete(closing);
    }

    private void write() {
      if (closed) {
        return;
      }
      long covers = state.changes();
      if (covers <= written) {
        release(covers, null);
        return;
      }
      StateWriter.Snapshot snapshot;
      try {
        snapshot = snapshots.snapshot();
      } catch (RuntimeException e) {
        log.error("Taking a snapshot of the emulator state failed", e);
        release(covers, e);
        return;
      }
      writing = true;
      long started = System.nanoTime();
      worker.executeBlocking(() -> file.write(snapshot), false).onComplete(outcome -> {
        writing = false;
        snapshots.saved(snapshot, outcome.compactNext());
        log.debug("Saved the emulator state ({}, {} bytes, {} waiting calls) in {} ms",
            outcome.compacted() ? "compacted" : outcome.records() + " journal records", outcome.bytes(),
            waiters.size(), (System.nanoTime() - started) / 1_000_000);
        written = covers;
        release(covers, null);
        if (state.changes() > written) {
          schedule();
        }
      }, failure -> {
        writing = false;
        if (failure instanceof UncheckedIOException || failure instanceof IllegalStateException) {
          // The disk or the directory refused (full, gone, lock replaced): the message says it all, at every try.
          log.error("Saving the emulator state to {} failed; the calls waiting for it get 500: {}", file.path(),
              failure.getMessage());
        } else {
          log.error("Saving the emulator state to {} failed; the calls waiting for it get 500", file.path(), failure);
        }
        if (snapshot.full() && file.compactionFailed()) {
          snapshots.compactionPostponed();
        }
        release(covers, failure);
        if (!waiters.isEmpty()) {
          schedule();
        }
      });
    }

    /** Completes (or, given a failure, fails) every waiter whose changes the write of {@code covers} held. */
    private void release(long covers, Throwable failure) {
      // Taken out first, completed after: a waiter's callback may call settled(), which adds a waiter.
      List<Waiter> released = new ArrayList<>();
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.target() <= covers) {
          it.remove();
          released.add(waiter);
        }
      }
      for (Waiter waiter : released) {
        if (failure == null) {
          waiter.promise().complete();
        } else {
          waiter.promise().fail(failure);
        }
      }
    }
  }

  private record Waiter(long target, Promise<Void> promise) {
  }
}
