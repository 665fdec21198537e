package com.bunqconnector.store;

/**
 * Decides whether a stored value can be used, before it is loaded into its map. It runs on
 * Hazelcast's loading threads, once per row, so it must be quick (parsing and opening sealed
 * fields is; network calls are not).
 */
@FunctionalInterface
public interface EntryCheck {

  /** Accepts every value. */
  EntryCheck ANY = (key, value) -> null;

  /**
   * Why the value stored under {@code key} cannot be used, or {@code null} if it can. The answer
   * is logged: it must not contain the value or any secret.
   */
  String problem(String key, String value);
}
