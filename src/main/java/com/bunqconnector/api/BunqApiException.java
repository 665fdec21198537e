package com.bunqconnector.api;

import java.util.List;

/**
 * A bunq call that failed: bunq answered with an error, the answer could not be trusted, or the
 * call never completed. Carries what bunq said, and never a credential.
 */
public final class BunqApiException extends RuntimeException {

  private final ErrorCode code;
  private final int status;
  private final List<String> descriptions;
  private final String responseId;

  public BunqApiException(ErrorCode code, int status, List<String> descriptions, String responseId) {
    super(message(code, status, descriptions, responseId), null, false, false);
    this.code = code;
    this.status = status;
    this.descriptions = List.copyOf(descriptions);
    this.responseId = responseId;
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

  private static String message(ErrorCode code, int status, List<String> descriptions, String responseId) {
    return code.wire() + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + String.join(" ", descriptions)
        + (responseId != null ? " [response id " + responseId + "]" : "");
  }
}
