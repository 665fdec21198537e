package com.bunqconnector.bus;

/** A {@code bunq.api} request that is malformed; the message names the field. */
public final class InvalidRequestException extends RuntimeException {

  public InvalidRequestException(String field, String problem) {
    super(field + ": " + problem, null, false, false);
  }
}
