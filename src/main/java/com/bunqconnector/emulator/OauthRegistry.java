package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.AuthorizationCode;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.User;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth side of the emulator's memory: clients, outstanding authorization codes and the
 * connections (UserApiKeys) made with them. Not thread-safe: used only on the emulator's context.
 */
final class OauthRegistry {

  /** How long an authorization code may wait to be exchanged (the emulator's choice; bunq does not say). */
  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

  private final SecureRandom random = new SecureRandom();
  private final EmulatorState state;
  private final Map<Long, OauthClient> clients = new LinkedHashMap<>();
  private final Map<String, OauthClient> clientsByClientId = new HashMap<>();
  private final Map<String, AuthorizationCode> codes = new HashMap<>();
  private final Map<String, Grant> grantsByToken = new HashMap<>();

  OauthRegistry(EmulatorState state) {
    this.state = state;
  }

  /**
   * Registers a client for {@code owner}; null credentials are generated (64 hex characters).
   *
   * @throws IllegalArgumentException if the client id is taken
   */
  OauthClient addClient(User owner, String clientId, String secret) {
    String id = clientId == null ? hex() : clientId;
    if (clientsByClientId.containsKey(id)) {
      throw new IllegalArgumentException("client id is already in use");
    }
    OauthClient client = new OauthClient(state.nextId(), state.now(), id, secret == null ? hex() : secret, owner);
    clients.put(client.id, client);
    clientsByClientId.put(id, client);
    return client;
  }

  /** Adds a redirect URI to the client; returns its OauthCallbackUrl id. */
  long addCallbackUrl(OauthClient client, String url) {
    long id = state.nextId();
    client.callbackUrls.put(id, url);
    client.updated = state.now();
    return id;
  }

  Optional<OauthClient> clientByClientId(String clientId) {
    return Optional.ofNullable(clientsByClientId.get(clientId));
  }

  /** The user's clients in creation order. */
  List<OauthClient> clientsOf(User owner) {
    return clients.values().stream().filter(c -> c.owner.id() == owner.id()).toList();
  }

  /** Hands out a fresh single-use code for the given client, redirect URI and granting user. */
  AuthorizationCode issueCode(OauthClient client, String redirectUri, String clientState, User grantedBy) {
    AuthorizationCode code = new AuthorizationCode(hex(), client, redirectUri, clientState, grantedBy,
        state.now().plus(CODE_LIFETIME));
    codes.put(code.code(), code);
    state.changed();
    return code;
  }

  /**
   * Takes the code out of circulation and returns it when it is live and was issued to this client
   * for this redirect URI; empty otherwise (an unknown, used or expired code, or a mismatch). A
   * code presented with the wrong client or URI is burnt too, as OAuth servers commonly do.
   */
  Optional<AuthorizationCode> redeem(String code, OauthClient client, String redirectUri) {
    AuthorizationCode found = codes.remove(code);
    Instant now = state.now();
    if (found == null || !now.isBefore(found.expiresAt()) || found.client() != client
        || !found.redirectUri().equals(redirectUri)) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  /** Creates the UserApiKey connection behind a new access token. */
  Grant grant(OauthClient client, User grantedBy) {
    Grant grant = new Grant(state.nextId(), state.now(), hex(), client, client.owner, grantedBy);
    grantsByToken.put(grant.accessToken(), grant);
    return grant;
  }

  Optional<Grant> grantByAccessToken(String accessToken) {
    return Optional.ofNullable(grantsByToken.get(accessToken));
  }

  // --- Snapshot and restore of a durable emulator (issue #5) ---

  /** Every client in creation order; read-only. */
  Collection<OauthClient> clients() {
    return Collections.unmodifiableCollection(clients.values());
  }

  /** Outstanding authorization codes; read-only. */
  Collection<AuthorizationCode> codes() {
    return Collections.unmodifiableCollection(codes.values());
  }

  /** Every grant; read-only. */
  Collection<Grant> grants() {
    return Collections.unmodifiableCollection(grantsByToken.values());
  }

  void restoreClient(OauthClient client) {
    clients.put(client.id, client);
    clientsByClientId.put(client.clientId, client);
  }

  void restoreCode(AuthorizationCode code) {
    codes.put(code.code(), code);
  }

  void restoreGrant(Grant grant) {
    grantsByToken.put(grant.accessToken(), grant);
  }

  private String hex() {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }
}
