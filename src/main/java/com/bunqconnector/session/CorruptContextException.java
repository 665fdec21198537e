package com.bunqconnector.session;

/** A stored context that cannot be read back: damaged, or written by something else. */
public final class CorruptContextException extends RuntimeException {

  public CorruptContextException(String key, String why) {
    super("the stored bunq context of " + key + " is damaged (" + why + ")", null, false, false);
  }
}
