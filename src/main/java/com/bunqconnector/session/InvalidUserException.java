package com.bunqconnector.session;

/** A user whose credentials bunq refused; calls for it fail fast until it is registered again. */
public final class InvalidUserException extends RuntimeException {

  public InvalidUserException(String key, String reason) {
    super(key + " is marked invalid: bunq refused its credentials (" + reason + ")", null, false, false);
  }
}
