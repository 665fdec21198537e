package com.bunqconnector.session;

import com.bunqconnector.crypto.RsaKeys;
import java.security.KeyPair;
import java.util.List;

/** Complete contexts made up for tests that store and load them without calling bunq. */
public final class TestContexts {

  /** The key pair of every context made here (one, as generating keys is slow). */
  public static final KeyPair KEYS = RsaKeys.generate();

  private TestContexts() {
  }

  /** A complete context of {@code acme/<user>}: fixed tokens and ids, a session of an hour from now. */
  public static SessionContext complete(String user) {
    UserSpec spec = new UserSpec("acme", user, "http://127.0.0.1:1/v1", null, List.of(), true);
    return SessionContext.builder(spec)
        .apiKey("sandbox_" + "a1".repeat(28))
        .clientKeys(KEYS.getPrivate(), KEYS.getPublic())
        .installation(7, "b2".repeat(32), RsaKeys.publicKeyToPem(KEYS.getPublic()))
        .device(8)
        .session(9, "c3".repeat(32), 3600, System.currentTimeMillis())
        .bunqUser(1234, "UserPerson")
        .build();
  }
}
