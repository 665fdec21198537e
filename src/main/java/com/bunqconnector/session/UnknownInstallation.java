package com.bunqconnector.session;

/**
 * Recognises bunq's refusal of a token it never issued, or no longer knows ({@code 403 Insufficient
 * authentication.}), from the message of a failure. On {@code session-server} it means that bunq
 * forgot the installation, so only a new one helps.
 */
final class UnknownInstallation {

  static final String TEXT = "Insufficient authentication.";

  private UnknownInstallation() {
  }

  static boolean test(Throwable failure) {
    String message = failure == null ? null : failure.getMessage();
    return message != null && message.contains("(HTTP 403)") && message.contains(TEXT);
  }
}
