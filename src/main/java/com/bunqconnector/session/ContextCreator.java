package com.bunqconnector.session;

import io.vertx.core.Future;

/** Opens a new bunq context for a user: installation, device registration and session. */
@FunctionalInterface
public interface ContextCreator {

  /**
   * Creates the context. The returned future fails with the bunq error that stopped it; it never
   * stores anything.
   */
  Future<SessionContext> create(UserSpec spec);
}
