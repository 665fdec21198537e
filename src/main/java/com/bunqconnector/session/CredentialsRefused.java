package com.bunqconnector.session;

/**
 * Recognises bunq's refusal of an API key or the caller's IP ({@code 400 User credentials are
 * incorrect. Incorrect API key or IP address.}) from the message of a failure, so the session layer
 * needs no knowledge of the HTTP client's types.
 */
final class CredentialsRefused {

  static final String TEXT = "User credentials are incorrect.";

  private CredentialsRefused() {
  }

  static boolean test(Throwable failure) {
    return failure != null && failure.getMessage() != null && failure.getMessage().contains(TEXT);
  }
}
