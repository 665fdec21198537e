package com.bunqconnector.session;

import com.bunqconnector.crypto.SealedSecretException;
import com.bunqconnector.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bunq.sessions} map of contexts keyed {@code tenant/user}: cluster-wide when the
 * node runs clustered, node-local otherwise.
 *
 * <p>The API key, the client private key and the installation and session tokens enter the map
 * sealed under the node's master key ({@link SecretBox}), each bound to its user and field:
 * Hazelcast does not encrypt member traffic or memory. Reading a context that this node's key
 * does not open fails with {@link com.bunqconnector.crypto.SealedSecretException} naming the user,
 * one that is damaged with {@link CorruptContextException}; other users are not affected.
 *
 * <p>Values are JSON text, so that a write-through store (see {@code com.bunqconnector.store})
 * keeps them exactly as they are in memory.
 *
 * <p>Opening a context (four AES-GCM opens, the JSON, the RSA key) costs more than the call it serves,
 * so the contexts this node read last are kept opened, at most {@link #OPENED_CONTEXTS} of them, each
 * with the exact text it was opened from: a read that finds the same text in the map (the common case)
 * reuses it, and any change, here or on another node, changes the text and opens it anew.
 */
public final class SessionStore {

  private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

  /** Name of the shared map that holds the contexts. */
  public static final String MAP_NAME = "bunq.sessions";

  /** The context fields that are secrets, sealed in the map. */
  static final List<String> SECRET_FIELDS = List.of("apiKey", "clientPrivateKey", "installationToken",
      "sessionToken");

  /** How many recently read contexts a node keeps opened: a bounded cost, about 6 KB each. */
  public static final int OPENED_CONTEXTS = 256;

  /** An opened context and the sealed text it came from. */
  private record Opened(String stored, SessionContext context) {
  }

  private final Vertx vertx;
  private final Future<AsyncMap<String, String>> map;
  private final SecretBox box;
  private final Map<String, Opened> opened = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Opened> eldest) {
      return size() > OPENED_CONTEXTS;
    }
  };

  public SessionStore(Vertx vertx, SecretBox box) {
    this.vertx = vertx;
    this.map = vertx.sharedData().<String, String>getAsyncMap(MAP_NAME);
    this.box = box;
  }

  /** The Vert.x instance whose shared data holds the map. */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * The stored context, or {@code null} when the user has none. A damaged entry (not JSON, fields
   * missing or of the wrong type) is reported with its key and removed, so that the user gets a new
   * context; one that this node's key does not open fails with
   * {@link com.bunqconnector.crypto.SealedSecretException} and stays, as another node may hold its key.
   */
  public Future<SessionContext> get(String key) {
    return map.compose(m -> m.get(key).compose(stored -> {
      if (stored == null) {
        return Future.succeededFuture(null);
      }
      try {
        return Future.succeededFuture(openCached(key, stored));
      } catch (CorruptContextException e) {
        log.error("{}; it is removed and the user gets a new context", e.getMessage());
        return m.removeIfPresent(key, stored).map(removed -> null);
      }
    }));
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
    String sealed = seal(context).encode();
    return map.compose(m -> m.putIfAbsent(context.key(), sealed))
        .map(previous -> previous == null ? remember(context, sealed) : openCached(context.key(), previous));
  }

  /** Stores the context, replacing whatever the user had; completes with the given context. */
  public Future<SessionContext> put(SessionContext context) {
    String sealed = seal(context).encode();
    return map.compose(m -> m.put(context.key(), sealed)).map(done -> remember(context, sealed));
  }

  /** Removes the user's context, and this node's opened copy of it. */
  public Future<Void> remove(String key) {
    synchronized (opened) {
      opened.remove(key);
    }
    return map.compose(m -> m.remove(key)).mapEmpty();
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

  private SessionContext open(String key, String stored) {
    return open(box, key, stored);
  }

  private SessionContext openCached(String key, String stored) {
    synchronized (opened) {
      Opened known = opened.get(key);
      if (known != null && known.stored().equals(stored)) {
        return known.context();
      }
    }
    SessionContext context = open(key, stored);
    synchronized (opened) {
      opened.put(key, new Opened(stored, context));
    }
    return context;
  }

  /** Keeps a context just stored as opened, with the text it was stored as. */
  private SessionContext remember(SessionContext context, String sealed) {
    synchronized (opened) {
      opened.put(context.key(), new Opened(sealed, context));
    }
    return context;
  }

  /** Forgets the opened contexts (they are opened again on their next read), e.g. to measure idle ones. */
  public void forgetOpened() {
    synchronized (opened) {
      opened.clear();
    }
  }

  private static SessionContext open(SecretBox box, String key, String stored) {
    JsonObject json;
    try {
      json = new JsonObject(stored);
    } catch (DecodeException e) {
      throw new CorruptContextException(key, "it is not JSON");
    }
    try {
      for (String field : SECRET_FIELDS) {
        String value = json.getString(field);
        if (value != null) {
          json.put(field, box.open(value, key + "#" + field));
        }
      }
      return SessionContext.fromJson(json);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new CorruptContextException(key, e.getMessage());
    }
  }

  /**
   * Checks at start that this node's master key opens the stored contexts: it tries up to
   * {@code sample} of them and fails with {@link com.bunqconnector.crypto.SealedSecretException},
   * once and clearly, if the key opens none while some exist. Damaged entries are not counted.
   */
  public Future<Void> checkMasterKey(int sample) {
    return map.compose(m -> m.keys().compose(keys -> {
      List<String> tried = keys.stream().sorted().limit(sample).toList();
      List<Future<String>> values = tried.stream().map(m::get).toList();
      return Future.all(values).compose(all -> {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < tried.size(); i++) {
          if (values.get(i).result() != null) {
            entries.put(tried.get(i), values.get(i).result());
          }
        }
        try {
          checkMasterKey(box, entries, keys.size());
          return Future.succeededFuture();
        } catch (SealedSecretException e) {
          return Future.failedFuture(e);
        }
      });
    }));
  }

  /**
   * Checks that {@code box} opens at least one of {@code sample}, stored contexts as they are in
   * the map or a database, of {@code total} stored in all.
   *
   * @throws SealedSecretException if it opens none while some are not damaged; the message names the
   *     key's fingerprint and says what to do
   */
  public static void checkMasterKey(SecretBox box, Map<String, String> sample, int total) {
    long sealedElsewhere = 0;
    for (Map.Entry<String, String> entry : sample.entrySet()) {
      Boolean opens = opens(box, entry.getKey(), entry.getValue());
      if (Boolean.TRUE.equals(opens)) {
        return;
      }
      if (Boolean.FALSE.equals(opens)) {
        sealedElsewhere++;
      }
    }
    if (sealedElsewhere > 0) {
      throw new SealedSecretException("the master key " + box.fingerprint() + " opens none of the "
          + sealedElsewhere + " stored contexts tried (of " + total + "): start the node with the key they"
          + " were sealed with");
    }
  }

  /**
   * Why a stored context cannot be used by a node with {@code box}, or {@code null} if it opens and
   * reads; the answer names no secret. For a write-through store's check before loading.
   */
  public static String problem(SecretBox box, String key, String stored) {
    try {
      open(box, key, stored);
      return null;
    } catch (SealedSecretException | CorruptContextException e) {
      return e.getMessage();
    }
  }

  /** True if the entry opens, false if the master key does not open it, null if absent or damaged. */
  private static Boolean opens(SecretBox box, String key, String stored) {
    if (stored == null) {
      return null;
    }
    try {
      open(box, key, stored);
      return true;
    } catch (SealedSecretException e) {
      return false;
    } catch (CorruptContextException e) {
      return null;
    }
  }

  public Future<Integer> size() {
    return map.compose(AsyncMap::size);
  }
}
