package com.bunqconnector.session;

import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.SealedSecretException;
import com.bunqconnector.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one key pair of each tenant whose key policy is per tenant, shared by every node: kept in
 * the {@code bunq.tenant-keys} map (clustered when the node is) with the private key sealed under
 * the master key, bound to the tenant. The first node to store a tenant's pair wins; a node that
 * generated one at the same time drops its own and uses the stored one.
 */
public final class TenantKeys {

  /** Name of the shared map that holds the tenants' key pairs. */
  public static final String MAP_NAME = "bunq.tenant-keys";

  private final Future<AsyncMap<String, String>> map;
  private final SecretBox box;
  private final Map<String, Future<KeyPair>> known = new ConcurrentHashMap<>();

  public TenantKeys(Vertx vertx, SecretBox box) {
    this.map = vertx.sharedData().<String, String>getAsyncMap(MAP_NAME);
    this.box = box;
  }

  /**
   * The tenant's key pair: the stored one, or else one from {@code generate}, stored for every node.
   * A failed lookup is not remembered, so the next call tries again.
   */
  public Future<KeyPair> keyPair(String tenant, Supplier<Future<KeyPair>> generate) {
    Future<KeyPair> pair = known.computeIfAbsent(tenant, t -> lookUp(t, generate));
    return pair.onFailure(e -> known.remove(tenant, pair));
  }

  private Future<KeyPair> lookUp(String tenant, Supplier<Future<KeyPair>> generate) {
    return map.compose(m -> m.get(tenant).compose(stored -> {
      if (stored != null) {
        return Future.succeededFuture(open(tenant, stored));
      }
      return generate.get().compose(fresh -> m.putIfAbsent(tenant, seal(tenant, fresh).encode())
          .map(previous -> previous == null ? fresh : open(tenant, previous)));
    }));
  }

  private JsonObject seal(String tenant, KeyPair pair) {
    return new JsonObject()
        .put("publicKey", RsaKeys.publicKeyToPem(pair.getPublic()))
        .put("privateKey", box.seal(RsaKeys.privateKeyToPem(pair.getPrivate()), tenant + "#tenantKey"));
  }

  private KeyPair open(String tenant, String text) {
    return open(box, tenant, text);
  }

  /**
   * Why a stored tenant key pair cannot be used by a node with {@code box}, or {@code null} if it
   * opens; the answer names no secret. For a write-through store's check before loading.
   */
  public static String problem(SecretBox box, String tenant, String stored) {
    try {
      open(box, tenant, stored);
      return null;
    } catch (SealedSecretException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return "the stored key pair of tenant " + tenant + " is damaged (" + e.getClass().getSimpleName() + ")";
    }
  }

  private static KeyPair open(SecretBox box, String tenant, String text) {
    JsonObject stored = new JsonObject(text);
    return new KeyPair(RsaKeys.publicKeyFromPem(stored.getString("publicKey")),
        RsaKeys.privateKeyFromPem(box.open(stored.getString("privateKey"), tenant + "#tenantKey")));
  }
}
