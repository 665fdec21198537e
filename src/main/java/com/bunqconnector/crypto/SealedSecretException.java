package com.bunqconnector.crypto;

/** A sealed secret that cannot be opened: wrong master key, wrong place, or altered. Never holds the secret. */
public final class SealedSecretException extends RuntimeException {

  public SealedSecretException(String message) {
    super(message, null, false, false);
  }
}
