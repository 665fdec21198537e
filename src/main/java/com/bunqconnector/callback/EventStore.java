package com.bunqconnector.callback;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted events in the cluster: the pending map, the dedupe keys and the dead letters
 * ({@link CallbackMaps}). An event's id is a hash of its dedupe key (tenant, user, category, event
 * type, object type, object id, the object's updated time), so the same event delivered twice, to
 * one node or two, lands on the same entry.
 */
final class EventStore {

  private static final Logger log = LoggerFactory.getLogger(EventStore.class);

  private final Vertx vertx;
  private final long dedupeWindowMs;

  EventStore(Vertx vertx, long dedupeWindowMs) {
    this.vertx = vertx;
    this.dedupeWindowMs = dedupeWindowMs;
  }

  Future<AsyncMap<String, String>> pending() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.PENDING);
  }

  private Future<AsyncMap<String, String>> dedupe() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.DEDUPE);
  }

  private Future<AsyncMap<String, String>> dead() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.DEAD_LETTERS);
  }

  /** The key under which a user is delivered to one at a time: {@code tenant/user}, {@code tenant/-} if none. */
  static String userKey(JsonObject entry) {
    return entry.getString("tenant") + "/" + entry.getString("user", "-");
  }

  /**
   * Moves the arrival counter ({@link CallbackMaps#SEQUENCE}) past every stored event's number: after
   * a full restart the pending and dead-letter maps come back from the database, the counter does not,
   * and new events must still be delivered after the older ones of their user.
   */
  Future<Long> restoreSequence() {
    return Future.all(pending(), dead()).compose(maps -> {
      AsyncMap<String, String> pending = maps.resultAt(0);
      AsyncMap<String, String> dead = maps.resultAt(1);
      return Future.all(pending.values(), dead.values());
    }).compose(values -> {
      long highest = 0;
      for (int i = 0; i < 2; i++) {
        List<String> stored = values.resultAt(i);
        for (String value : stored) {
          try {
            highest = Math.max(highest, new JsonObject(value).getLong("seq", 0L));
          } catch (DecodeException | ClassCastException e) {
            log.warn("A stored callback event is not readable JSON; it is left as it is");
          }
        }
      }
      long floor = highest;
      return vertx.sharedData().getCounter(CallbackMaps.SEQUENCE).compose(counter -> raise(counter, floor, 0));
    });
  }

  private static Future<Long> raise(Counter counter, long floor, int attempt) {
    return counter.get().compose(now -> now >= floor || attempt >= 16 ? Future.succeededFuture(now)
        : counter.compareAndSet(now, floor).compose(set -> set ? Future.succeededFuture(floor)
            : raise(counter, floor, attempt + 1)));
  }

  /** The next number of the cluster-wide arrival order ({@link CallbackMaps#SEQUENCE}). */
  private Future<Long> nextSeq() {
    return vertx.sharedData().getCounter(CallbackMaps.SEQUENCE).compose(Counter::incrementAndGet);
  }

  static String eventId(String tenant, String user, Notification notification) {
    JsonObject object = notification.object();
    Object objectId = object.getValue("id");
    Object updated = object.getValue("updated", object.getValue("created"));
    String identity = objectId == null ? notification.body().encode() : objectId + "|" + updated;
    String key = String.join("|", tenant, user == null ? "-" : user, notification.category(),
        String.valueOf(notification.eventType()), notification.objectType(), identity);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Stores a checked callback unless it is a duplicate. Completes with the pending entry, or with
   * {@code null} for a duplicate; fails when the cluster could not store it (bunq then retries).
   */
  Future<JsonObject> accept(String tenant, String user, Notification notification, String rawBody) {
    String id = eventId(tenant, user, notification);
    long now = System.currentTimeMillis();
    JsonObject entry = new JsonObject().put("id", id).put("tenant", tenant);
    if (user != null) {
      entry.put("user", user);
    }
    entry.put("category", notification.category()).put("eventType", notification.eventType())
        .put("objectType", notification.objectType()).put("receivedAt", now).put("body", rawBody);
    return dedupe().compose(seen -> seen.get(id).compose(known -> {
      if (known != null) {
        return Future.succeededFuture(null);
      }
      return nextSeq().compose(seq -> pending().compose(pending -> {
        String stored = entry.put("seq", seq).encode();
        return pending.putIfAbsent(id, stored).compose(existing -> existing != null
            ? Future.succeededFuture(null)
            : claim(seen, pending, id, stored, now, entry));
      }));
    }));
  }

  /**
   * Records the event's key, unless another node recorded it first: that node accepted the same event
   * after this one looked, and may have delivered and removed it already, which is how this node's
   * pending entry got in. This node's entry is then taken back (it is younger than a sweep interval,
   * so no node delivers it meanwhile) and the event counts as a duplicate.
   */
  private Future<JsonObject> claim(AsyncMap<String, String> seen, AsyncMap<String, String> pending, String id,
      String stored, long now, JsonObject entry) {
    return seen.putIfAbsent(id, Long.toString(now), dedupeWindowMs).compose(earlier -> earlier == null
        ? Future.succeededFuture(entry)
        : pending.removeIfPresent(id, stored).map(removed -> (JsonObject) null));
  }

  Future<JsonObject> pendingEntry(String id) {
    return pending().compose(pending -> pending.get(id)).map(text -> text == null ? null : new JsonObject(text));
  }

  /** Forgets a pending event that every consumer acknowledged (or that is dropped). */
  Future<Void> done(String id) {
    return pending().compose(pending -> pending.remove(id)).mapEmpty();
  }

  /**
   * Records on a pending event how many attempts to deliver it failed and which addresses acknowledged
   * it, so that a node taking its user over neither gives it extra attempts nor sends it again to those
   * addresses. Leaves an event that is no longer pending absent.
   */
  Future<Void> recordAttempt(JsonObject entry, int attempts, Collection<String> acked) {
    String updated = entry.copy().put("attempts", attempts).put("acked", new JsonArray(new ArrayList<>(acked)))
        .encode();
    return pending().compose(pending -> pending.replace(entry.getString("id"), updated)).mapEmpty();
  }

  /** Moves a pending event to the dead letters, naming the addresses that never acknowledged it. */
  Future<Void> bury(JsonObject entry, List<String> addresses, int attempts, String lastError) {
    JsonObject letter = entry.copy();
    letter.remove("acked");
    letter.put("addresses", new JsonArray(new ArrayList<>(addresses)))
        .put("attempts", attempts).put("lastError", lastError).put("deadAt", System.currentTimeMillis());
    String id = entry.getString("id");
    return dead().compose(dead -> dead.put(id, letter.encode())).compose(put -> done(id));
  }

  /** The dead letters, of one tenant or of all when {@code tenant} is null, oldest first. */
  Future<List<JsonObject>> deadLetters(String tenant) {
    return dead().compose(AsyncMap::entries).map(entries -> {
      List<JsonObject> letters = new ArrayList<>();
      for (Map.Entry<String, String> item : entries.entrySet()) {
        JsonObject letter = new JsonObject(item.getValue());
        if (tenant == null || tenant.equals(letter.getString("tenant"))) {
          letters.add(letter);
        }
      }
      letters.sort((a, b) -> Long.compare(a.getLong("seq", 0L), b.getLong("seq", 0L)));
      return letters;
    });
  }

  /**
   * Puts a dead letter back as a pending event (for the addresses that never acknowledged it) and
   * removes it from the dead letters. Completes with the new pending entry, or {@code null} if no such letter.
   */
  Future<JsonObject> revive(String id) {
    return dead().compose(dead -> dead.get(id).compose(text -> {
      if (text == null) {
        return Future.succeededFuture(null);
      }
      JsonObject entry = new JsonObject(text);
      entry.remove("attempts");
      entry.remove("lastError");
      entry.remove("deadAt");
      entry.put("receivedAt", System.currentTimeMillis());
      return nextSeq().compose(seq -> pending().compose(pending -> pending.put(id, entry.put("seq", seq).encode())))
          .compose(put -> dead.remove(id))
          .map(entry);
    }));
  }
}
