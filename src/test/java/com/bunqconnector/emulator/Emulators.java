package com.bunqconnector.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Test helpers to start and stop emulators and to build payment bodies. */
final class Emulators {

  private Emulators() {
  }

  /**
   * Starts an emulator with bunq's rate limits switched off: tests of everything else open several
   * sessions from 127.0.0.1 within a second, which bunq's 1-per-30 s session-server limit refuses.
   * Tests of the limits use {@link #startAsGiven}.
   */
  static BunqEmulator start(Vertx vertx, EmulatorOptions options) throws Exception {
    EmulatorOptions unlimited = new EmulatorOptions(options)
        .setRateLimits(new RateLimitOptions(options.getRateLimits()).setEnabled(false));
    return startAsGiven(vertx, unlimited);
  }

  /** Starts an emulator with exactly these options, rate limits included. */
  static BunqEmulator startAsGiven(Vertx vertx, EmulatorOptions options) throws Exception {
    return BunqEmulator.start(vertx, options).await(15, TimeUnit.SECONDS);
  }

  static void stop(BunqEmulator emulator) throws Exception {
    if (emulator != null) {
      emulator.stop().await(15, TimeUnit.SECONDS);
    }
  }

  static JsonObject payment(String value, String aliasType, String aliasValue, String description) {
    return new JsonObject()
        .put("amount", new JsonObject().put("value", value).put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", aliasType).put("value", aliasValue)
            .put("name", "Test Counterparty"))
        .put("description", description);
  }
}
