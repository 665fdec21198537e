package com.bunqconnector.callback;

import java.util.concurrent.atomic.AtomicLong;

/** This node's callback counters since start. Thread-safe. */
public final class CallbackStats {

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong unrouted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Callbacks accepted from bunq (checked and answered 200). */
  public long received() {
    return received.get();
  }

  /** Accepted callbacks that every consumer address acknowledged. */
  public long delivered() {
    return delivered.get();
  }

  /** Requests refused with 400, 404 or 413. */
  public long rejected() {
    return rejected.get();
  }

  /** Accepted callbacks whose category no consumer address of the tenant takes. */
  public long unrouted() {
    return unrouted.get();
  }

  /** Accepted callbacks that some consumer did not acknowledge. */
  public long failed() {
    return failed.get();
  }

  void countReceived() {
    received.incrementAndGet();
  }

  void countDelivered() {
    delivered.incrementAndGet();
  }

  void countRejected() {
    rejected.incrementAndGet();
  }

  void countUnrouted() {
    unrouted.incrementAndGet();
  }

  void countFailed() {
    failed.incrementAndGet();
  }
}
