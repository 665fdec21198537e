package com.bunqconnector.store;

/**
 * How the values of one map are sealed in their rows: a map whose values are secrets in memory
 * (such as the callback tokens) is written sealed and opened when it is loaded, so that the
 * database never holds them in clear.
 */
public interface ValueSeal {

  /** Stores values as the map holds them. */
  ValueSeal NONE = new ValueSeal() {
    @Override
    public String seal(String key, String value) {
      return value;
    }

    @Override
    public String open(String key, String stored) {
      return stored;
    }
  };

  /** The text stored for {@code value} under {@code key}. */
  String seal(String key, String value);

  /**
   * The value that {@link #seal} stored as {@code stored}.
   *
   * @throws RuntimeException if it does not open; its message says why and must name no secret
   */
  String open(String key, String stored);
}
