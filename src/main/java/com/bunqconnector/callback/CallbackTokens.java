package com.bunqconnector.callback;

import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's secret callback path token, shared by the cluster in {@link CallbackMaps#TOKENS}.
 * The first node puts the tenant file's token; {@link #rotate} replaces it with a fresh one and keeps
 * the old one valid for a grace period, so callbacks already on their way are still accepted while
 * the filters are re-registered. The entry records a digest of the file token it came from: a node
 * that starts with another token in the tenant file makes that one current, the old one in grace
 * likewise, while a node with the same file keeps a rotated token. Tokens are compared in constant
 * time and never logged.
 */
final class CallbackTokens {

  private static final Logger log = LoggerFactory.getLogger(CallbackTokens.class);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Tries of {@link #adopt} against nodes changing the same entry at once. */
  private static final int ADOPT_ATTEMPTS = 8;

  private final Vertx vertx;
  private final long graceMs;

  CallbackTokens(Vertx vertx, long graceMs) {
    this.vertx = vertx;
    this.graceMs = graceMs;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.TOKENS);
  }

  /** Makes each tenant file's token current unless the cluster's entry for the tenant came from it. */
  Future<Void> init(Collection<TenantConfig> tenants) {
    return map().compose(map -> {
      List<Future<?>> adopted = new ArrayList<>();
      for (TenantConfig tenant : tenants) {
        adopted.add(adopt(map, tenant, 1));
      }
      return Future.all(adopted).mapEmpty();
    });
  }

  /**
   * Puts the tenant file's token if the cluster has none, and makes it current (the current one in
   * grace) if the cluster's entry came from another file token; retried when another node changed the
   * entry meanwhile. A token made up because the file names none never replaces the cluster's: each
   * node (and each start) makes up another.
   */
  private Future<Void> adopt(AsyncMap<String, String> map, TenantConfig tenant, int attempt) {
    String file = fileDigest(tenant);
    return map.get(tenant.id()).compose(old -> {
      if (old != null && (!tenant.tokenFromFile() || file.equals(new JsonObject(old).getString("file")))) {
        return Future.succeededFuture(true);
      }
      if (old == null) {
        String value = new JsonObject().put("token", tenant.callbackToken()).put("file", file).encode();
        return map.putIfAbsent(tenant.id(), value).map(existing -> existing == null);
      }
      JsonObject tokens = new JsonObject(old);
      JsonObject value = tokens.copy().put("file", file);
      long until = System.currentTimeMillis() + graceMs;
      boolean changed = !same(tokens.getString("token"), tenant.callbackToken());
      if (changed) {
        value.put("token", tenant.callbackToken()).put("previous", tokens.getString("token")).put("previousUntil",
            until);
      }
      return map.replaceIfPresent(tenant.id(), old, value.encode()).onSuccess(swapped -> {
        if (swapped && changed) {
          log.info("The callback token of tenant {} changed in {}: it is current now, the previous one stays valid"
              + " for {} ms", tenant.id(), tenant.file(), graceMs);
        }
      });
    }).compose(done -> {
      if (done) {
        return Future.succeededFuture();
      }
      return attempt < ADOPT_ATTEMPTS ? adopt(map, tenant, attempt + 1)
          : Future.failedFuture(new IllegalStateException("the callback token of " + tenant.id()
              + " kept changing while this node set it from " + tenant.file() + "; start it again"));
    });
  }

  /** Names the tenant file's token without revealing it (tokens are long random strings). */
  static String fileDigest(TenantConfig tenant) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(("bunq-connector callback token|" + tenant.id()
          + "|" + tenant.callbackToken()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
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
      JsonObject tokens = old == null ? new JsonObject().put("token", tenant.callbackToken())
          .put("file", fileDigest(tenant)) : new JsonObject(old);
      long until = System.currentTimeMillis() + graceMs;
      String fresh = HexFormat.of().formatHex(randomBytes());
      String value = new JsonObject().put("token", fresh).put("previous", tokens.getString("token"))
          .put("previousUntil", until).put("file", tokens.getString("file")).encode();
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
