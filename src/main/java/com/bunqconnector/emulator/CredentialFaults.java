package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential side of fault injection: rotated server keys, revoked API keys and sessions ended
 * before their time. {@link Guard} asks it whether a session or API key still counts, and
 * {@link Replies} which server key signs for an installation. Runs on the emulator's context only.
 */
final class CredentialFaults {

  private static final Logger log = LoggerFactory.getLogger(CredentialFaults.class);

  private final EmulatorState state;
  private final CryptoWorker crypto;
  /** Server key pairs that replaced an installation's original one, by installation id. */
  private final Map<Long, KeyPair> rotatedServerKeys = new HashMap<>();
  /** Revoked API keys: secrets, never logged. */
  private final Set<String> revokedApiKeys = new HashSet<>();
  /** Tokens of sessions ended early (expired or revoked); they answer like expired sessions. */
  private final Set<String> endedSessions = new HashSet<>();

  CredentialFaults(EmulatorState state, CryptoWorker crypto) {
    this.state = state;
    this.crypto = crypto;
  }

  /**
   * The key pair the installation's responses are signed with now. Whatever shows an installation's
   * server public key (such as {@code GET /v1/installation/{id}/server-public-key}) must read it here.
   */
  KeyPair serverKeys(Installation installation) {
    return rotatedServerKeys.getOrDefault(installation.id(), installation.serverKeys());
  }

  boolean isRevoked(String apiKey) {
    return revokedApiKeys.contains(apiKey);
  }

  /** Whether the session was ended early by {@link #expireSession}, {@link #expireSessions} or a revocation. */
  boolean isEnded(Session session) {
    return endedSessions.contains(session.token());
  }

  /**
   * Gives every installation the user has a session or device on a new server key pair, so responses
   * stop verifying with the key the client got from {@code installation}. Completes with the number
   * of installations rotated; fails with {@link IllegalArgumentException} for an unknown user.
   */
  Future<Integer> rotateServerKeys(long userId) {
    User user = state.user(userId).orElse(null);
    if (user == null) {
      return Future.failedFuture(new IllegalArgumentException("no user with id " + userId));
    }
    Set<Long> ids = new LinkedHashSet<>();
    state.sessions().stream().filter(s -> s.user().id() == userId).forEach(s -> ids.add(s.installation().id()));
    state.devices().stream().filter(d -> d.apiKey().equals(user.apiKey())).forEach(d -> ids.add(d.installationId()));
    List<Future<KeyPair>> generated = new ArrayList<>();
    List<Long> order = List.copyOf(ids);
    order.forEach(id -> generated.add(crypto.generateKeyPair()));
    return Future.all(generated).map(all -> {
      for (int i = 0; i < order.size(); i++) {
        rotatedServerKeys.put(order.get(i), generated.get(i).result());
      }
      log.info("Rotated the server key of {} installation(s) of user {}", order.size(), userId);
      return order.size();
    });
  }

  /**
   * Revokes an API key: device-server and session-server with it fail from now on with bunq's
   * credentials error, and the sessions opened with it (on installations where it is registered) end.
   * Completes with the number of sessions ended; an unknown key is revoked all the same.
   */
  int revokeApiKey(String apiKey) {
    revokedApiKeys.add(apiKey);
    User user = state.userByApiKey(apiKey).orElse(null);
    if (user == null) {
      log.info("Revoked an API key no user has");
      return 0;
    }
    int ended = end(state.sessions().stream()
        .filter(s -> s.user().id() == user.id() && state.device(s.installation().id(), apiKey).isPresent())
        .toList());
    log.info("Revoked an API key of user {}; ended {} session(s)", user.id(), ended);
    return ended;
  }

  /** Ends the session with this token now; false when there is no such session. */
  boolean expireSession(String token) {
    Session session = state.sessionByToken(token).orElse(null);
    if (session == null) {
      return false;
    }
    end(List.of(session));
    log.info("Expired session {} of user {} early", session.id(), session.user().id());
    return true;
  }

  /** Ends every session of the user now; completes with how many were still live. */
  int expireSessions(long userId) {
    int ended = end(state.sessions().stream().filter(s -> s.user().id() == userId).toList());
    log.info("Expired {} session(s) of user {} early", ended, userId);
    return ended;
  }

  /** Marks the sessions ended; returns how many of them were live until now. */
  private int end(List<Session> sessions) {
    int live = 0;
    for (Session session : sessions) {
      if (!session.isExpired(state.now()) && endedSessions.add(session.token())) {
        live++;
      }
    }
    return live;
  }
}
