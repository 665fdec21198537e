package com.bunqconnector.emulator;

/**
 * A user an emulator created from its seed, as a client needs it: {@code kind} is the bunq wrapper
 * type ({@code UserPerson}, {@code UserCompany} or {@code UserPaymentServiceProvider}), {@code iban}
 * that of its first monetary account (null for a payment service provider, which has none).
 * {@link #toString()} leaves the API key out, so a logged instance leaks nothing.
 */
public record SeededUser(String kind, long userId, String displayName, String iban, String apiKey) {

  @Override
  public String toString() {
    return "SeededUser[kind=" + kind + ", userId=" + userId + ", iban=" + iban + "]";
  }
}
