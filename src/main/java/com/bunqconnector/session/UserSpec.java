package com.bunqconnector.session;

import java.util.List;

/**
 * What it takes to open one user's bunq context: where bunq is and which credential to use.
 *
 * @param tenant              tenant id
 * @param user                the tenant's id of the user
 * @param baseUrl             bunq's base URL including {@code /v1}, without a trailing slash
 * @param apiKey              the API key or OAuth access token; {@code null} to ask for a sandbox user
 * @param permittedIps        IPs to bind the key to at device registration (empty: the caller's IP)
 * @param mayCreateSandboxUser whether a missing key may be replaced by a new sandbox user
 * @param tenantKey           whether the user's installation uses its tenant's one key pair
 *                            ({@link TenantKeys}) instead of a key pair of its own
 * @param bunq                which bunq the user's context belongs to ({@code sandbox}, {@code production},
 *                            an emulator's identity): a stored context of another bunq is replaced, while
 *                            calls always go to {@code baseUrl}, which may change between runs
 */
public record UserSpec(String tenant, String user, String baseUrl, String apiKey, List<String> permittedIps,
    boolean mayCreateSandboxUser, boolean tenantKey, String bunq) {

  public UserSpec {
    permittedIps = List.copyOf(permittedIps);
  }

  /** A user of the bunq at {@code baseUrl}, that URL being the bunq's identity. */
  public UserSpec(String tenant, String user, String baseUrl, String apiKey, List<String> permittedIps,
      boolean mayCreateSandboxUser, boolean tenantKey) {
    this(tenant, user, baseUrl, apiKey, permittedIps, mayCreateSandboxUser, tenantKey, baseUrl);
  }

  /** A user with a key pair of its own. */
  public UserSpec(String tenant, String user, String baseUrl, String apiKey, List<String> permittedIps,
      boolean mayCreateSandboxUser) {
    this(tenant, user, baseUrl, apiKey, permittedIps, mayCreateSandboxUser, false);
  }

  /** The key of this user's context in the session map. */
  public String key() {
    return SessionContext.key(tenant, user);
  }

  /** A printable form that never shows the API key. */
  @Override
  public String toString() {
    return "UserSpec[" + key() + " at " + baseUrl + " (" + bunq + ")]";
  }
}
