package com.bunqconnector.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Test helpers to start and stop emulators and to build payment bodies. */
final class Emulators {

  private Emulators() {
  }

  static BunqEmulator start(Vertx vertx, EmulatorOptions options) throws Exception {
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
