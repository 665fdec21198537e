package com.bunqconnector.api;

/**
 * Stable failure codes of the connector's bunq calls, as they appear on the event bus. They
 * classify a failure for the caller; the HTTP status and bunq's own descriptions travel beside them.
 */
public enum ErrorCode {
  RATE_LIMITED("rate-limited"),
  UNAUTHORISED("unauthorised"),
  FORBIDDEN("forbidden"),
  NOT_FOUND("not-found"),
  BAD_REQUEST("bad-request"),
  BUNQ_ERROR("bunq-error"),
  BAD_SIGNATURE("bad-signature"),
  TIMEOUT("timeout"),
  /** A call that changes something was sent, but no answer came: bunq may or may not have carried it out. */
  OUTCOME_UNKNOWN("outcome-unknown"),
  INVALID_REQUEST("invalid-request"),
  UNKNOWN_USER("unknown-user"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as sent on the event bus, such as {@code not-found}. */
  public String wire() {
    return wire;
  }

  /** The code for a non-2xx HTTP status from bunq. */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORISED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 429 -> RATE_LIMITED;
      default -> BUNQ_ERROR;
    };
  }
}
