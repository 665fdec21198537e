package com.bunqconnector.session;

import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the session tests against the emulator stand on: one Vert.x instance with an emulator
 * (rate limits off), a context factory calling it, and a store under a random master key. A test
 * class registers it as a {@code @RegisterExtension} field; each test gets a bed of its own, set
 * up before it and closed after it.
 */
final class EmulatorBed implements BeforeEachCallback, AfterEachCallback {

  private final String cryptoPool;
  Vertx vertx;
  BunqEmulator emulator;
  ContextFactory factory;
  SessionStore store;

  /** A bed whose signing runs on a worker pool of this name. */
  EmulatorBed(String cryptoPool) {
    this.cryptoPool = cryptoPool;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
    CryptoWorker crypto = new CryptoWorker(vertx, cryptoPool, 2);
    factory = new ContextFactory(new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES), crypto);
    store = new SessionStore(vertx, SecretBox.ephemeral());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
