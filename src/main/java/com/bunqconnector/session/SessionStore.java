package com.bunqconnector.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * The {@code bunq.sessions} map of contexts keyed {@code tenant/user}: cluster-wide when the
 * node runs clustered, node-local otherwise.
 */
public final class SessionStore {

  /** Name of the shared map that holds the contexts. */
  public static final String MAP_NAME = "bunq.sessions";

  // TODO(#4): contexts enter the map unsealed; issue 4 seals keys and tokens under a node master key.
  private final Future<AsyncMap<String, JsonObject>> map;

  public SessionStore(Vertx vertx) {
    this.map = vertx.sharedData().<String, JsonObject>getAsyncMap(MAP_NAME);
  }

  /** The stored context, or {@code null} when the user has none. */
  public Future<SessionContext> get(String key) {
    return map.compose(m -> m.get(key)).map(json -> json == null ? null : SessionContext.fromJson(json));
  }

  /**
   * Stores the context unless one is there already; completes with the context that is stored
   * afterwards (the given one, or the one that was there first).
   */
  public Future<SessionContext> putIfAbsent(SessionContext context) {
    return map.compose(m -> m.putIfAbsent(context.key(), context.toJson()))
        .map(previous -> previous == null ? context : SessionContext.fromJson(previous));
  }

  public Future<Integer> size() {
    return map.compose(AsyncMap::size);
  }
}
