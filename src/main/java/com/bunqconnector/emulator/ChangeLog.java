package com.bunqconnector.emulator;

import com.bunqconnector.emulator.StateKinds.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a save of a durable emulator writes, and writes it with {@link StateFile}: the change
 * log. It keeps, per kind of changing object and key, a SHA-256 digest of the JSON last written; a
 * save journals an object whose JSON now differs (or that is new), a delete for one that is gone, and
 * the append-only objects made since the last save. So a save writes what changed, not every object.
 *
 * <p>The journal then holds superseded records too. Once it holds more than
 * {@value #COMPACT_FACTOR} times as many records as there are live objects, and more than a minimum,
 * the next save is a compaction: a fresh base with every object and an empty journal (see
 * {@link StateFile} for the order of its steps). A journal of append-only objects alone never gets
 * there: every record in it is live. A failed write changes no digest, so the next save writes its
 * changes again.
 *
 * <p>Blocking, and used from the state worker thread only, one write at a time.
 */
final class ChangeLog {

  /** Journal records per live object past which a compaction is due. */
  static final int COMPACT_FACTOR = 2;
  /** Journal records below which no compaction is due, however few the live objects. */
  static final long COMPACT_MINIMUM = 10_000;

  private final StateFile file;
  private final long minimum;
  /** No compaction is due before the journal holds this many records: set after a compaction failed. */
  private long compactAfter;
  private final MessageDigest sha256;
  /** Per section of a changing kind, the digest of each object's JSON on disk, by key. */
  private final Map<String, Map<Object, byte[]>> digests = new HashMap<>();
  /** Append-only objects on disk, in the base and the journal. */
  private long appended;
  /** Records in the journal since the base. */
  private long journalRecords;

  /** What a write did: the records it journaled (0 for a compaction), its bytes, whether the next compacts. */
  record Outcome(int records, long bytes, boolean compacted, boolean compactNext) {
  }

  /** What a start found in the data directory (put back into the state) and the log to save it with. */
  record Opened(Optional<Seeder.Result> restored, ChangeLog log, boolean compactFirst) {
  }

  /**
   * Loads {@code file} into {@code state}, {@code oauth} and {@code store} (unless it holds no state
   * yet) and opens the log on it.
   *
   * @param minimum the journal records below which no compaction is due ({@link #COMPACT_MINIMUM})
   * @throws IllegalStateException naming the file and what is wrong when it cannot be read or restored
   *     (the file's lock is then released)
   */
  static Opened open(StateFile file, EmulatorState state, OauthRegistry oauth, ResourceStore store, long minimum) {
    try {
      Optional<StateFile.Saved> saved = file.load();
      if (saved.isEmpty()) {
        file.tidy();
        return new Opened(Optional.empty(), new ChangeLog(file, null, minimum), true);
      }
      StateFile.Saved found = saved.get();
      StateLog folded;
      Seeder.Result restored;
      try {
        folded = StateLog.fold(found.base(), found.baseName(), found.journal());
        restored = new StateReader(state, oauth, store).restore(found.state(), folded);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw file.unreadable("is damaged: " + e.getMessage());
      }
      file.tidy();
      boolean compactFirst = found.version() < StateFile.BASE_VERSION;
      return new Opened(Optional.of(restored), new ChangeLog(file, compactFirst ? null : folded, minimum),
          compactFirst);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** A log on {@code file}, whose objects on disk are {@code saved} (null: none, the first save compacts). */
  ChangeLog(StateFile file, StateLog saved, long minimum) {
    this.file = file;
    this.minimum = minimum;
    this.sha256 = StateDigests.sha256();
    if (saved != null) {
      for (Kind kind : StateKinds.ALL) {
        for (StateLog.Item item : saved.items(kind)) {
          if (kind.appendOnly()) {
            appended++;
          } else {
            digests.computeIfAbsent(kind.section(), s -> new HashMap<>())
                .put(StateLog.key(kind, item.json(), item.origin()), digest(item.json()));
          }
        }
      }
      journalRecords = saved.records();
    }
  }

  Path path() {
    return file.path();
  }

  /** Releases the file's lock. */
  void close() {
    file.close();
  }

  /** Writes {@code snapshot}: its changes into the journal, or for a full snapshot a fresh base. */
  Outcome write(StateWriter.Snapshot snapshot) {
    if (snapshot.full()) {
      return compact(snapshot);
    }
    List<JsonObject> records = new ArrayList<>();
    Map<String, Map<Object, byte[]>> changed = new HashMap<>();
    Map<String, Set<Object>> gone = new HashMap<>();
    int made = 0;
    for (Kind kind : StateKinds.ALL) {
      List<JsonObject> objects = snapshot.of(kind);
      if (kind.appendOnly()) {
        objects.forEach(object -> records.add(new JsonObject().put(kind.record(), object)));
        made += objects.size();
        continue;
      }
      Map<Object, byte[]> written = digests.getOrDefault(kind.section(), Map.of());
      Set<Object> seen = new HashSet<>();
      for (JsonObject object : objects) {
        Object key = key(kind, object, seen);
        byte[] digest = digest(object);
        if (!MessageDigest.isEqual(written.get(key), digest)) {
          records.add(new JsonObject().put(kind.record(), object));
          changed.computeIfAbsent(kind.section(), s -> new HashMap<>()).put(key, digest);
        }
      }
      for (Object key : written.keySet()) {
        if (!seen.contains(key)) {
          records.add(new JsonObject().put(StateLog.DELETE, new JsonObject().put(kind.record(), key)));
          gone.computeIfAbsent(kind.section(), s -> new HashSet<>()).add(key);
        }
      }
    }
    long bytes = file.append(snapshot.head(), records);
    changed.forEach((section, puts) -> digests.computeIfAbsent(section, s -> new HashMap<>()).putAll(puts));
    gone.forEach((section, keys) -> digests.get(section).keySet().removeAll(keys));
    appended += made;
    journalRecords += records.size();
    return new Outcome(records.size(), bytes, false, compactionDue());
  }

  private Outcome compact(StateWriter.Snapshot snapshot) {
    JsonObject base = new JsonObject().put("format", StateFile.FORMAT).put("version", StateFile.VERSION);
    Map<String, Map<Object, byte[]>> fresh = new HashMap<>();
    long objects = 0;
    for (Kind kind : StateKinds.ALL) {
      List<JsonObject> live = snapshot.of(kind);
      if (kind.appendOnly()) {
        objects += live.size();
      } else {
        Map<Object, byte[]> ofKind = fresh.computeIfAbsent(kind.section(), s -> new HashMap<>());
        Set<Object> seen = new HashSet<>();
        live.forEach(object -> ofKind.put(key(kind, object, seen), digest(object)));
      }
      base.put(kind.section(), new JsonArray(new ArrayList<>(live)));
    }
    long bytes = file.compact(snapshot.head(), base);
    digests.clear();
    digests.putAll(fresh);
    appended = objects;
    journalRecords = 0;
    return new Outcome(0, bytes, true, false);
  }

  /** Whether the journal outgrew the live objects: over {@value #COMPACT_FACTOR} records each, and the minimum. */
  private boolean compactionDue() {
    long live = appended + digests.values().stream().mapToLong(Map::size).sum();
    return journalRecords > minimum && journalRecords > COMPACT_FACTOR * live && journalRecords >= compactAfter;
  }

  /**
   * After a compaction failed (a disk too full for a new base, say): whether saves can go on into the
   * journal, which needs far less room, with the next compaction put off until the journal has grown by
   * the minimum again. Not when there is no base yet to append to.
   */
  boolean compactionFailed() {
    if (!file.hasBase()) {
      return false;
    }
    compactAfter = journalRecords + minimum;
    return true;
  }

  /** The object's key, which no other object of the snapshot's kind may share (one would overwrite the other). */
  private static Object key(Kind kind, JsonObject object, Set<Object> seen) {
    Object key = StateLog.key(kind, object, kind.section());
    if (!seen.add(key)) {
      throw new IllegalStateException("two " + kind.section() + " share their \"" + kind.key() + "\"");
    }
    return key;
  }

  private byte[] digest(JsonObject json) {
    return sha256.digest(json.toBuffer().getBytes());
  }
}
