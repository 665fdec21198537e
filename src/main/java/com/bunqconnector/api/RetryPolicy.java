package com.bunqconnector.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a request to bunq is sent again after a failure that allows it:
 * up to {@code maxAttempts} attempts in all, the n-th retry after a delay of about
 * {@code baseDelayMs * 2^(n-1)} (at most {@code maxDelayMs}; a random half of it, so that callers
 * that failed together do not come back together), and never a retry that would start after
 * {@code deadlineMs} from the first attempt.
 *
 * <p>Which failures allow a retry is decided by {@link BunqHttp}: a GET after a 429, a 5xx, a
 * timeout or a dropped connection; anything else only when bunq certainly did not act on it.
 */
public record RetryPolicy(int maxAttempts, long baseDelayMs, long maxDelayMs, long deadlineMs) {

  /** One attempt, no retries. */
  public static final RetryPolicy NONE = new RetryPolicy(1, 0, 0, 0);

  public RetryPolicy {
    if (maxAttempts < 1 || baseDelayMs < 0 || maxDelayMs < baseDelayMs || deadlineMs < 0) {
      throw new IllegalArgumentException("retry policy needs maxAttempts >= 1 and 0 <= baseDelayMs <= maxDelayMs,"
          + " deadlineMs >= 0; was " + maxAttempts + ", " + baseDelayMs + ", " + maxDelayMs + ", " + deadlineMs);
    }
  }

  /** The defaults: 4 attempts, 250 ms doubling to at most 4 s, within 30 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, 250, 4_000, 30_000);
  }

  /** The delay before retry number {@code retry} (1 for the first retry), with jitter. */
  public long delayMs(int retry) {
    long full = baseDelayMs << Math.min(retry - 1, 20);
    long capped = Math.min(maxDelayMs, full);
    long half = capped / 2;
    return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
  }
}
