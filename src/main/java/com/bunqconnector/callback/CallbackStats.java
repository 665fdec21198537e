package com.bunqconnector.callback;

import java.util.concurrent.atomic.AtomicLong;

/** This node's callback counters since start. Thread-safe. */
public final class CallbackStats {

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong unrouted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong unconfirmed = new AtomicLong();

  /** New events accepted from bunq (checked, stored in the cluster and answered 200); duplicates not included. */
  public long received() {
    return received.get();
  }

  /** Accepted callbacks that every consumer address acknowledged. */
  public long delivered() {
    return delivered.get();
  }

  /** Requests refused: 403 (source not allowed), 404 (tenant, token or user unknown), 400, 413, 415. */
  public long rejected() {
    return rejected.get();
  }

  /** Accepted callbacks whose category no consumer address of the tenant takes. */
  public long unrouted() {
    return unrouted.get();
  }

  /** Accepted callbacks that some consumer did not acknowledge after the last retry: dead letters. */
  public long failed() {
    return failed.get();
  }

  /** Callbacks answered 200 without a new delivery because the cluster had already accepted the event. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Deliveries that failed and were scheduled again. */
  public long retried() {
    return retried.get();
  }

  /** Callbacks dropped because verify-by-fetch found that bunq does not confirm their object. */
  public long unconfirmed() {
    return unconfirmed.get();
  }

  void countDuplicate() {
    duplicates.incrementAndGet();
  }

  void countRetried() {
    retried.incrementAndGet();
  }

  void countUnconfirmed() {
    unconfirmed.incrementAndGet();
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
