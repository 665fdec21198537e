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

/**
 * What the session tests against the emulator stand on: one Vert.x instance with an emulator
 * (rate limits off), a context factory calling it, and a store under a random master key.
 */
final class EmulatorBed implements AutoCloseable {

  final Vertx vertx;
  final BunqEmulator emulator;
  final ContextFactory factory;
  final SessionStore store;

  EmulatorBed(String cryptoPool) throws Exception {
    vertx = Vertx.vertx();
    emulator = BunqEmulator.start(vertx, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
    CryptoWorker crypto = new CryptoWorker(vertx, cryptoPool, 2);
    factory = new ContextFactory(new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES), crypto);
    store = new SessionStore(vertx, SecretBox.ephemeral());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
