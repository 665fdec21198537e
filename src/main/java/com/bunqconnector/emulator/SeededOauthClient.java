package com.bunqconnector.emulator;

import java.util.List;

/**
 * An OAuth client an emulator registered from its seed: its OauthClient {@code id}, the credentials
 * for {@code /auth} and {@code /v1/token}, its owner's user id and its redirect URIs.
 * {@link #toString()} leaves the secret out.
 */
public record SeededOauthClient(long id, String clientId, String clientSecret, long ownerUserId,
    List<String> redirectUris) {

  /** Copies the redirect URIs. */
  public SeededOauthClient {
    redirectUris = List.copyOf(redirectUris);
  }

  @Override
  public String toString() {
    return "SeededOauthClient[id=" + id + ", clientId=" + clientId + ", ownerUserId=" + ownerUserId + "]";
  }
}
