package com.bunqconnector.emulator;

/**
 * A bunq error answer: the HTTP status and the English {@code error_description}. Thrown or
 * used to fail futures inside route handlers; the router turns it into an {@code Error}
 * envelope. Carries no stack trace: these are expected outcomes, not bugs.
 */
final class ApiError extends RuntimeException {

  /** Text bunq sends for a missing, unknown or expired token. */
  static final String INSUFFICIENT_AUTHORISATION = "Insufficient authorisation.";
  /** Text bunq sends (with 403) for a token it does not know; see {@link Guard} for when the emulator does. */
  static final String INSUFFICIENT_AUTHENTICATION = "Insufficient authentication.";
  /** Text bunq sends for an unknown API key or a caller IP the key is not bound to. */
  static final String BAD_CREDENTIALS = "User credentials are incorrect. Incorrect API key or IP address.";
  /** Text bunq sends for a signature that does not verify. */
  static final String SIGNATURE_INVALID = "The request signature is invalid.";
  /** Text bunq sent for a missing mandatory signature (bunq/doc issue #125). */
  static final String SIGNATURE_REQUIRED =
      "For this operation a request signature is required. Check the urls for more information.";

  private final int status;

  ApiError(int status, String description) {
    super(description, null, false, false);
    this.status = status;
  }

  static ApiError badRequest(String description) {
    return new ApiError(400, description);
  }

  static ApiError unauthorised() {
    return new ApiError(401, INSUFFICIENT_AUTHORISATION);
  }

  /** 403 {@code Insufficient authentication.}: no token the emulator issued, or a closed session's. */
  static ApiError unauthenticated() {
    return new ApiError(403, INSUFFICIENT_AUTHENTICATION);
  }

  static ApiError notFound(String description) {
    return new ApiError(404, description);
  }

  int status() {
    return status;
  }

  String description() {
    return getMessage();
  }
}
