package com.bunqconnector.session;

import com.bunqconnector.crypto.SealedSecretException;
import com.bunqconnector.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users added to tenants while the cluster runs (the {@code add-user} admin action), in the
 * {@code bunq.users} map keyed {@code tenant/user}: cluster-wide when the node is clustered, and
 * written through to the database like the contexts when the node has durable state. Values are
 * JSON text, {@code {"tenant","user","apiKey","permittedIps"}}, with the API key sealed under the
 * master key and bound to the user, so the map and the database hold no key in clear.
 *
 * <p>A call that adds a user can claim its API key within the tenant while it checks that no other
 * user has it and stores it ({@link #withKeyClaimed}), so that two users added at the same time, on
 * one node or two, cannot end up sharing a key.
 */
public final class RuntimeUsers {

  private static final Logger log = LoggerFactory.getLogger(RuntimeUsers.class);

  /** Name of the shared map that holds the users added at run time. */
  public static final String MAP_NAME = "bunq.users";

  /**
   * One user added at run time.
   *
   * @param tenant       the tenant it belongs to
   * @param id           its id within the tenant
   * @param apiKey       its bunq API key
   * @param permittedIps the IPs its key is bound to at device registration; empty binds it to the caller's IP
   */
  public record User(String tenant, String id, String apiKey, List<String> permittedIps) {

    public User {
      permittedIps = List.copyOf(permittedIps);
    }

    /** Its key in the map, {@code tenant/user}. */
    public String key() {
      return SessionContext.key(tenant, id);
    }

    /** A printable form that never shows the API key. */
    @Override
    public String toString() {
      return "User[" + key() + ", permittedIps=" + permittedIps + "]";
    }
  }

  /**
   * The failure of a call that would claim an API key whose claim another call holds now, for the
   * user it names; it names no key.
   */
  public static final class KeyClaimed extends RuntimeException {
    private final String user;

    KeyClaimed(String tenant, String user) {
      super("an add-user of user '" + user + "' of tenant '" + tenant + "' holds the claim on this API key now");
      this.user = user;
    }

    /** The user the claim is held for. */
    public String user() {
      return user;
    }
  }

  /**
   * Name of the shared map of the claims on API keys ({@link #withKeyClaimed}): keyed by tenant and a
   * SHA-256 of the key, never the key; not durable, a claim lives as long as a call.
   */
  public static final String CLAIMS_MAP_NAME = "bunq.users.key-claims";
  /**
   * How long a claim lasts at most: far longer than the check and the store it covers take, and the
   * time a key stays claimed after the node that held the claim stopped.
   */
  public static final long CLAIM_TTL_MS = 60_000;

  private final Future<AsyncMap<String, String>> map;
  private final Future<AsyncMap<String, String>> claims;
  private final SecretBox box;

  public RuntimeUsers(Vertx vertx, SecretBox box) {
    this.map = vertx.sharedData().<String, String>getAsyncMap(MAP_NAME);
    this.claims = vertx.sharedData().<String, String>getAsyncMap(CLAIMS_MAP_NAME);
    this.box = box;
  }

  /**
   * Runs {@code work} while the user's API key is claimed for it within its tenant, cluster-wide, and
   * gives the claim up once the work completes, whatever its outcome; completes as the work did. While
   * one call holds the claim on a key, another fails at once with {@link KeyClaimed} and its work does
   * not run: so a check that no other user of the tenant has the key, then a store, run for one user
   * of that key at a time. The claim is an entry put with {@link AsyncMap#putIfAbsent(Object, Object,
   * long)}: it takes no lock and blocks no thread, and lapses after {@link #CLAIM_TTL_MS} (work that
   * took longer would no longer run alone).
   */
  public <T> Future<T> withKeyClaimed(User user, Supplier<Future<T>> work) {
    String claim = claimKey(user);
    String holder = user.id() + " " + UUID.randomUUID();
    return claims.compose(m -> m.putIfAbsent(claim, holder, CLAIM_TTL_MS)).compose(held -> {
      if (held != null) {
        return Future.failedFuture(new KeyClaimed(user.tenant(), held.substring(0, held.indexOf(' '))));
      }
      // Composed on a completed future, so that a throw from work fails it too, and the claim is given up.
      return Future.<Void>succeededFuture().compose(none -> work.get()).eventually(() -> claims
          .compose(m -> m.removeIfPresent(claim, holder))
          .otherwise(e -> {
            log.warn("The claim of an add-user of {} on its API key could not be given up; it lapses in {} ms: {}",
                user.key(), CLAIM_TTL_MS, e.getMessage());
            return false;
          }));
    });
  }

  /** Stores the user unless one with its key is stored; completes with whether it was stored. */
  public Future<Boolean> add(User user) {
    String value = new JsonObject().put("tenant", user.tenant()).put("user", user.id())
        .put("apiKey", box.seal(user.apiKey(), sealedFor(user.key())))
        .put("permittedIps", new JsonArray(user.permittedIps())).encode();
    return map.compose(m -> m.putIfAbsent(user.key(), value)).map(previous -> previous == null);
  }

  /** Removes the user; completes with whether one was stored. */
  public Future<Boolean> remove(String tenant, String id) {
    return map.compose(m -> m.remove(SessionContext.key(tenant, id))).map(previous -> previous != null);
  }

  /**
   * The stored user, or {@code null} when there is none; one this node's master key does not open
   * fails with {@link SealedSecretException}, a damaged one with an {@link IllegalStateException}.
   */
  public Future<User> get(String tenant, String id) {
    String key = SessionContext.key(tenant, id);
    return map.compose(m -> m.get(key)).compose(value -> {
      try {
        return Future.succeededFuture(value == null ? null : open(box, key, value));
      } catch (SealedSecretException | DamagedUser e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** Every stored user that opens; one that does not is logged with its key (never its value) and left out. */
  public Future<List<User>> all() {
    return opened(key -> true);
  }

  /** Every stored user of the tenant that opens; as in {@link #all()}, one that does not is logged and left out. */
  public Future<List<User>> of(String tenant) {
    String prefix = SessionContext.key(tenant, "");
    return opened(key -> key.startsWith(prefix));
  }

  /** The stored users whose keys pass {@code wanted}, opened; only those are unsealed. */
  private Future<List<User>> opened(Predicate<String> wanted) {
    return map.compose(AsyncMap::entries).map(entries -> {
      List<User> users = new ArrayList<>();
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        if (!wanted.test(entry.getKey())) {
          continue;
        }
        try {
          users.add(open(box, entry.getKey(), entry.getValue()));
        } catch (SealedSecretException | DamagedUser e) {
          log.error("The user {} added at run time cannot be used: {}", entry.getKey(), e.getMessage());
        }
      }
      return users;
    });
  }

  /**
   * Why a stored user cannot be used by a node with {@code box}, or {@code null} if it opens; the
   * answer names no secret. For a write-through store's check before loading.
   */
  public static String problem(SecretBox box, String key, String value) {
    try {
      open(box, key, value);
      return null;
    } catch (SealedSecretException | DamagedUser e) {
      return e.getMessage();
    }
  }

  /** A stored user that cannot be read back. */
  private static final class DamagedUser extends IllegalStateException {
    DamagedUser(String key, String why) {
      super("the stored user " + key + " added at run time is damaged (" + why + ")");
    }
  }

  /** The key of the claim on the user's API key: its tenant and a SHA-256 of the API key. */
  private static String claimKey(User user) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("bunq-connector add-user key claim\0"
          + user.tenant() + "\0" + user.apiKey()).getBytes(StandardCharsets.UTF_8));
      return user.tenant() + "/" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static String sealedFor(String key) {
    return key + "#runtimeApiKey";
  }

  private static User open(SecretBox box, String key, String value) {
    JsonObject json;
    try {
      json = new JsonObject(value);
    } catch (DecodeException e) {
      throw new DamagedUser(key, "it is not JSON");
    }
    try {
      String tenant = json.getString("tenant");
      String id = json.getString("user");
      String sealed = json.getString("apiKey");
      JsonArray ips = json.getJsonArray("permittedIps", new JsonArray());
      if (tenant == null || id == null || sealed == null || !SessionContext.key(tenant, id).equals(key)) {
        throw new DamagedUser(key, "it lacks its tenant, user or API key, or names another user");
      }
      List<String> permittedIps = new ArrayList<>();
      for (Object ip : ips) {
        permittedIps.add((String) ip);
      }
      return new User(tenant, id, box.open(sealed, sealedFor(key)), permittedIps);
    } catch (ClassCastException e) {
      throw new DamagedUser(key, "a field has the wrong type");
    }
  }
}
