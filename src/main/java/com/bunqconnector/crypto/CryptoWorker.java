package com.bunqconnector.crypto;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs key generation, signing and verification on a named worker pool, never on an event
 * loop. Tasks run unordered ({@code ordered=false}), so one user's slow key generation never
 * queues another user's signature behind it.
 *
 * <p>Returned futures complete on the calling context. Workers created with the same pool name
 * on one Vert.x instance share the pool. Creating a worker starts choosing the
 * {@link RsaProvider#selected() RSA provider} on the pool, so that the choice (which may load a
 * native library and run its self-tests) is made and logged at start, off the event loop.
 */
public final class CryptoWorker {

  /** Pool name of the connector's crypto worker threads (threads are named {@code bunq-crypto-N}). */
  public static final String DEFAULT_POOL_NAME = "bunq-crypto";

  private static final Logger log = LoggerFactory.getLogger(CryptoWorker.class);

  private final WorkerExecutor executor;

  public CryptoWorker(Vertx vertx, String poolName, int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("crypto worker pool size must be at least 1, was " + poolSize);
    }
    this.executor = vertx.createSharedWorkerExecutor(poolName, poolSize);
    executor.executeBlocking(RsaProvider::selected, false)
        .onFailure(e -> log.error("No RSA provider can be used: {}", e.getMessage()));
  }

  /** Generates an RSA-2048 key pair on the pool. */
  public Future<KeyPair> generateKeyPair() {
    return executor.executeBlocking(RsaKeys::generate, false);
  }

  /** Signs the exact body bytes on the pool; completes with the base64 signature. */
  public Future<String> sign(PrivateKey key, byte[] body) {
    return executor.executeBlocking(() -> Signatures.sign(key, body), false);
  }

  /** Verifies a base64 signature over the exact body bytes on the pool. */
  public Future<Boolean> verify(PublicKey key, byte[] body, String base64Signature) {
    return executor.executeBlocking(() -> Signatures.verify(key, body, base64Signature), false);
  }

  /** Releases this handle on the pool; the threads stop once every handle is closed. */
  public Future<Void> close() {
    return executor.close();
  }
}
