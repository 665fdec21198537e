package com.bunqconnector.api;

import java.util.List;

/**
 * A bunq call that failed: bunq answered with an error, the answer could not be trusted, or the
 * call never completed. Carries what bunq said, and never a credential.
 */
public final class BunqApiException extends RuntimeException {

  /** How far a failed request got, which decides whether it may be sent again. */
  public enum Delivery {
    /** bunq answered with a status (an error, or a 2xx that was not accepted). */
    ANSWERED,
    /** The request never left: no connection could be made. bunq saw nothing. */
    NOT_SENT,
    /** The request was sent, or may have been, and no complete answer came. */
    UNKNOWN
  }

  private final ErrorCode code;
  private final int status;
  private final List<String> descriptions;
  private final String responseId;
  private final Delivery delivery;

  /** A failure whose delivery follows from the status: answered if there is one, unknown if not. */
  public BunqApiException(ErrorCode code, int status, List<String> descriptions, String responseId) {
    this(code, status, descriptions, responseId, status > 0 ? Delivery.ANSWERED : Delivery.UNKNOWN);
  }

  public BunqApiException(ErrorCode code, int status, List<String> descriptions, String responseId,
      Delivery delivery) {
    super(message(code, status, descriptions, responseId), null, false, false);
    this.code = code;
    this.status = status;
    this.descriptions = List.copyOf(descriptions);
    this.responseId = responseId;
    this.delivery = delivery;
  }

  /** The stable classification of the failure. */
  public ErrorCode code() {
    return code;
  }

  /** The HTTP status bunq answered with, or 0 when no answer arrived. */
  public int status() {
    return status;
  }

  /** Every {@code error_description} bunq sent, in order; or the connector's own reason. */
  public List<String> descriptions() {
    return descriptions;
  }

  /** bunq's {@code X-Bunq-Client-Response-Id}, or {@code null}. */
  public String responseId() {
    return responseId;
  }

  /** How far the request got. */
  public Delivery delivery() {
    return delivery;
  }

  private static String message(ErrorCode code, int status, List<String> descriptions, String responseId) {
    return code.wire() + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + String.join(" ", descriptions)
        + (responseId != null ? " [response id " + responseId + "]" : "");
  }
}
