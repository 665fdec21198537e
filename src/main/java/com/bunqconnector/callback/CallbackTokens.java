package com.bunqconnector.callback;

import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Each tenant's secret callback path token, shared by the cluster in {@link CallbackMaps#TOKENS}.
 * The first node puts the tenant file's token; {@link #rotate} replaces it with a fresh one and keeps
 * the old one valid for a grace period, so callbacks already on their way are still accepted while
 * the filters are re-registered. Tokens are compared in constant time and never logged.
 */
final class CallbackTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final long graceMs;

  CallbackTokens(Vertx vertx, long graceMs) {
    this.vertx = vertx;
    this.graceMs = graceMs;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.TOKENS);
  }

  /** Puts each tenant file's token unless the cluster already holds one for the tenant. */
  Future<Void> init(Collection<TenantConfig> tenants) {
    return map().compose(map -> {
      List<Future<?>> puts = new ArrayList<>();
      for (TenantConfig tenant : tenants) {
        puts.add(map.putIfAbsent(tenant.id(), new JsonObject().put("token", tenant.callbackToken()).encode()));
      }
      return Future.all(puts).mapEmpty();
    });
  }

  /** The token bunq must use for the tenant now. */
  Future<String> current(TenantConfig tenant) {
    return map().compose(map -> map.get(tenant.id()))
        .map(value -> value == null ? tenant.callbackToken() : new JsonObject(value).getString("token"));
  }

  /** Whether a token given in a callback URL is the tenant's current one or a rotated one still in grace. */
  Future<Boolean> accepts(TenantConfig tenant, String given) {
    return map().compose(map -> map.get(tenant.id())).map(value -> {
      if (value == null) {
        return same(tenant.callbackToken(), given);
      }
      JsonObject tokens = new JsonObject(value);
      return same(tokens.getString("token"), given) || (same(tokens.getString("previous"), given)
          && System.currentTimeMillis() < tokens.getLong("previousUntil", 0L));
    });
  }

  /** Replaces the tenant's token; completes with {@code {"tenant","token","previousValidUntil"}}. */
  Future<JsonObject> rotate(TenantConfig tenant) {
    return map().compose(map -> map.get(tenant.id()).compose(old -> {
      String current = old == null ? tenant.callbackToken() : new JsonObject(old).getString("token");
      long until = System.currentTimeMillis() + graceMs;
      String fresh = HexFormat.of().formatHex(randomBytes());
      String value = new JsonObject().put("token", fresh).put("previous", current).put("previousUntil", until)
          .encode();
      Future<Boolean> swapped = old == null
          ? map.putIfAbsent(tenant.id(), value).map(existing -> existing == null)
          : map.replaceIfPresent(tenant.id(), old, value);
      return swapped.compose(done -> done
          ? Future.succeededFuture(new JsonObject().put("tenant", tenant.id()).put("token", fresh)
              .put("previousValidUntil", until))
          : Future.failedFuture(new IllegalStateException("the token of " + tenant.id()
              + " was rotated at the same time by another request; try again")));
    }));
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static boolean same(String expected, String given) {
    return expected != null && given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }
}
