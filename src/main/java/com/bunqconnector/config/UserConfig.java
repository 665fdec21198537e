package com.bunqconnector.config;

import java.util.List;

/**
 * One bunq user of a tenant.
 *
 * @param id           the tenant's own name for the user, unique within the tenant
 * @param apiKey       the bunq API key (or OAuth access token); {@code null} asks the sandbox or emulator for a
 *                     new sandbox user
 * @param permittedIps IPs the API key is bound to at device registration; empty binds it to the caller's IP
 */
public record UserConfig(String id, String apiKey, List<String> permittedIps) {

  public UserConfig {
    permittedIps = List.copyOf(permittedIps);
  }

  /** A printable form that never shows the API key. */
  @Override
  public String toString() {
    return "UserConfig[id=" + id + ", apiKey=" + (apiKey == null ? "none" : "(set)") + ", permittedIps="
        + permittedIps + "]";
  }
}
