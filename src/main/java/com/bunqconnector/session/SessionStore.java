package com.bunqconnector.session;

import com.bunqconnector.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;

/**
 * The {@code bunq.sessions} map of contexts keyed {@code tenant/user}: cluster-wide when the
 * node runs clustered, node-local otherwise.
 *
 * <p>The API key, the client private key and the installation and session tokens enter the map
 * sealed under the node's master key ({@link SecretBox}), each bound to its user and field:
 * Hazelcast does not encrypt member traffic or memory. Reading a context that this node's key
 * does not open fails with {@link com.bunqconnector.crypto.SealedSecretException} naming the user.
 */
public final class SessionStore {

  /** Name of the shared map that holds the contexts. */
  public static final String MAP_NAME = "bunq.sessions";

  /** The context fields that are secrets, sealed in the map. */
  static final List<String> SECRET_FIELDS = List.of("apiKey", "clientPrivateKey", "installationToken",
      "sessionToken");

  private final Vertx vertx;
  private final Future<AsyncMap<String, JsonObject>> map;
  private final SecretBox box;

  public SessionStore(Vertx vertx, SecretBox box) {
    this.vertx = vertx;
    this.map = vertx.sharedData().<String, JsonObject>getAsyncMap(MAP_NAME);
    this.box = box;
  }

  /** The Vert.x instance whose shared data holds the map. */
  public Vertx vertx() {
    return vertx;
  }

  /** The stored context, or {@code null} when the user has none. */
  public Future<SessionContext> get(String key) {
    return map.compose(m -> m.get(key)).map(json -> json == null ? null : open(key, json));
  }

  /** Whether the user has a stored context, without opening it. */
  public Future<Boolean> contains(String key) {
    return map.compose(m -> m.get(key)).map(json -> json != null);
  }

  /**
   * Stores the context unless one is there already; completes with the context that is stored
   * afterwards (the given one, or the one that was there first).
   */
  public Future<SessionContext> putIfAbsent(SessionContext context) {
    return map.compose(m -> m.putIfAbsent(context.key(), seal(context)))
        .map(previous -> previous == null ? context : open(context.key(), previous));
  }

  /** Stores the context, replacing whatever the user had; completes with the given context. */
  public Future<SessionContext> put(SessionContext context) {
    return map.compose(m -> m.put(context.key(), seal(context))).map(context);
  }

  private JsonObject seal(SessionContext context) {
    JsonObject json = context.toJson();
    for (String field : SECRET_FIELDS) {
      String value = json.getString(field);
      if (value != null) {
        json.put(field, box.seal(value, context.key() + "#" + field));
      }
    }
    return json;
  }

  private SessionContext open(String key, JsonObject sealed) {
    JsonObject json = sealed.copy();
    for (String field : SECRET_FIELDS) {
      String value = json.getString(field);
      if (value != null) {
        json.put(field, box.open(value, key + "#" + field));
      }
    }
    return SessionContext.fromJson(json);
  }

  public Future<Integer> size() {
    return map.compose(AsyncMap::size);
  }
}
