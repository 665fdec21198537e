package com.bunqconnector.config;

import java.util.Locale;

/** Which bunq a tenant talks to. */
public enum Environment {
  /** The embedded or a standalone bunq emulator. */
  EMULATOR(null),
  /** bunq's public sandbox. */
  SANDBOX("https://public-api.sandbox.bunq.com/v1"),
  /** bunq's production API: real money. */
  PRODUCTION("https://api.bunq.com/v1");

  private final String baseUrl;

  Environment(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** bunq's base URL including {@code /v1}, or {@code null} for the emulator (known only at run time). */
  public String baseUrl() {
    return baseUrl;
  }

  /** Whether users without an API key may get one from {@code sandbox-user-person}. */
  public boolean createsSandboxUsers() {
    return this != PRODUCTION;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Environment parse(String file, String field, String value) {
    for (Environment environment : values()) {
      if (environment.id().equals(value)) {
        return environment;
      }
    }
    throw ConfigException.field(file, field, "must be one of emulator, sandbox, production, was "
        + ConfigException.quote(value));
  }
}
