package com.bunqconnector.session;

import io.vertx.core.Future;

/** Opens bunq contexts for users: a whole new one, or a new session on an existing installation. */
public interface ContextCreator {

  /**
   * Creates a context: key pair, installation, device registration and session. The returned
   * future fails with the bunq error that stopped it; it never stores anything.
   */
  Future<SessionContext> create(UserSpec spec);

  /**
   * Opens a new session on the installation and device of {@code stale} (one {@code session-server}
   * call) and returns the context with it. Never stores anything.
   */
  Future<SessionContext> renew(UserSpec spec, SessionContext stale);

  /**
   * Hints that about {@code count} contexts will be created soon, so work that does not depend on
   * the user (key pairs) can start ahead. Returns at once; the default does nothing.
   */
  default void prepare(int count) {
  }
}
