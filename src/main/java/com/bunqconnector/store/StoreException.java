package com.bunqconnector.store;

/** The durable state cannot be opened, read or written; the message says which and why, never a password. */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
