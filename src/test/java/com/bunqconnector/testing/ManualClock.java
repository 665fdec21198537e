package com.bunqconnector.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until the test moves it on, so that a test steps over session
 * timeouts, expiries and rate-limit windows instead of waiting for them. Safe to read from any
 * thread; one test moves it.
 */
public final class ManualClock extends Clock {

  private volatile Instant now;

  private ManualClock(Instant start) {
    now = start;
  }

  /** A clock standing at the moment it was made. */
  public static ManualClock startingNow() {
    return new ManualClock(Instant.now());
  }

  /** A clock standing at {@code start}, for tests whose certificates or days hang on a fixed date. */
  public static ManualClock startingAt(Instant start) {
    return new ManualClock(start);
  }

  /** Moves the clock on by {@code duration}. */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
