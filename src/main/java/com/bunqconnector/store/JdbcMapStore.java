package com.bunqconnector.store;

import com.hazelcast.map.MapStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Hazelcast map through to the {@code map_entry} table, and loads it back when the
 * map is first used after a start. Hazelcast calls it on its own threads, before it answers a
 * put (write delay 0), so a put that returned is in the database and a failed write fails the
 * put. Keys and values are the map's strings, untouched unless the map's {@link ValueSeal} seals
 * them: secrets sealed in memory stay sealed, and a map of clear secrets is given a seal.
 *
 * <p>A stored row that cannot be used (its {@link EntryCheck} says why, it does not open, or it
 * cannot be read) is reported once with its key and not loaded; the rest loads, and the key behaves
 * as absent until a new value replaces the row. A row past its expiry ({@link JdbcEntryStore}) is
 * absent too, and {@link #purgeExpired} deletes it.
 */
public final class JdbcMapStore implements MapStore<String, String> {

  /** Keys per {@code SELECT ... IN (...)} when loading, and rows per batch when purging. */
  static final int LOAD_BATCH = 200;

  private static final Logger log = LoggerFactory.getLogger(JdbcMapStore.class);

  /** A usable stored value and when it expires ({@code null}: never). */
  record Row(String value, Long expiresAt) {
  }

  private final Database database;
  private final String mapName;
  private final EntryCheck check;
  private final ValueSeal seal;
  /** Keys of rows already reported as unusable, so each is reported once per process. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  JdbcMapStore(Database database, String mapName, EntryCheck check, ValueSeal seal) {
    this.database = database;
    this.mapName = mapName;
    this.check = check;
    this.seal = seal;
  }

  @Override
  public void store(String key, String value) {
    storeAll(Map.of(key, value));
  }

  @Override
  public void storeAll(Map<String, String> entries) {
    write(entries, Map.of());
  }

  /** Writes the entries, each expiring when {@code expiresAt} says (milliseconds since the epoch; absent: never). */
  void write(Map<String, String> entries, Map<String, Long> expiresAt) {
    Timestamp now = Timestamp.from(Instant.now());
    database.query("write " + entries.size() + " entries of " + mapName, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement(database.dialect().upsert)) {
        for (Map.Entry<String, String> entry : entries.entrySet()) {
          upsert.setString(1, mapName);
          upsert.setString(2, entry.getKey());
          upsert.setString(3, seal.seal(entry.getKey(), entry.getValue()));
          upsert.setTimestamp(4, now);
          Long expiry = expiresAt.get(entry.getKey());
          if (expiry == null) {
            upsert.setNull(5, Types.BIGINT);
          } else {
            upsert.setLong(5, expiry);
          }
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      return null;
    });
    entries.keySet().forEach(reported::remove);
  }

  @Override
  public void delete(String key) {
    deleteAll(List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    database.query("delete " + keys.size() + " entries of " + mapName, connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM map_entry WHERE map_name = ? AND entry_key = ?")) {
        for (String key : keys) {
          delete.setString(1, mapName);
          delete.setString(2, key);
          delete.addBatch();
        }
        delete.executeBatch();
      }
      return null;
    });
  }

  @Override
  public String load(String key) {
    return loadAll(List.of(key)).get(key);
  }

  @Override
  public Map<String, String> loadAll(Collection<String> keys) {
    Map<String, String> values = new HashMap<>();
    read(keys).forEach((key, row) -> values.put(key, row.value()));
    return values;
  }

  /** The usable rows of {@code keys} that have not expired. */
  Map<String, Row> read(Collection<String> keys) {
    List<String> all = new ArrayList<>(keys);
    long now = System.currentTimeMillis();
    Map<String, Row> found = new HashMap<>();
    for (int from = 0; from < all.size(); from += LOAD_BATCH) {
      found.putAll(readBatch(all.subList(from, Math.min(all.size(), from + LOAD_BATCH)), now));
    }
    return found;
  }

  private Map<String, Row> readBatch(List<String> keys, long now) {
    String sql = "SELECT entry_key, entry_value, expires_at FROM map_entry WHERE map_name = ?"
        + " AND (expires_at IS NULL OR expires_at > ?) AND entry_key IN (" + "?, ".repeat(keys.size() - 1) + "?)";
    return database.query("read " + keys.size() + " entries of " + mapName, connection -> {
      Map<String, Row> found = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, mapName);
        select.setLong(2, now);
        for (int i = 0; i < keys.size(); i++) {
          select.setString(i + 3, keys.get(i));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String key = rows.getString(1);
            String value = usable(key, rows);
            if (value != null) {
              long expiry = rows.getLong(3);
              found.put(key, new Row(value, rows.wasNull() ? null : expiry));
            }
          }
        }
      }
      return found;
    });
  }

  /** The row's value, opened, if it can be used, else {@code null} after reporting why. */
  private String usable(String key, ResultSet row) {
    String problem;
    String value = null;
    try {
      String stored = row.getString(2);
      value = stored == null ? null : seal.open(key, stored);
      problem = value == null ? "it has no value" : check.problem(key, value);
    } catch (SQLException | RuntimeException e) {
      problem = "it cannot be read: " + Database.rootMessage(e);
    }
    if (problem == null) {
      return value;
    }
    if (reported.add(key)) {
      log.error("Skipped the stored entry {} of {} in the {}: {}; it stays in the database until replaced",
          key, mapName, database.description(), problem);
    }
    return null;
  }

  /** The keys of the rows that have not expired. */
  @Override
  public Iterable<String> loadAllKeys() {
    return database.query("list the keys of " + mapName, connection -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT entry_key FROM map_entry"
          + " WHERE map_name = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY entry_key")) {
        select.setString(1, mapName);
        select.setLong(2, System.currentTimeMillis());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            keys.add(rows.getString(1));
          }
        }
      }
      return keys;
    });
  }

  /**
   * Deletes rows that expired before now, at most {@code limit} of them (in batches of {@link #LOAD_BATCH}),
   * so that one call holds the database for a bounded time; returns how many it deleted. A row
   * written again meanwhile with a later expiry is kept.
   */
  public int purgeExpired(int limit) {
    long now = System.currentTimeMillis();
    int deleted = 0;
    while (deleted < limit) {
      int batch = Math.min(LOAD_BATCH, limit - deleted);
      List<String> expired = expiredKeys(now, batch);
      if (expired.isEmpty()) {
        break;
      }
      deleted += deleteExpired(expired, now);
      if (expired.size() < batch) {
        break;
      }
    }
    return deleted;
  }

  private List<String> expiredKeys(long now, int limit) {
    return database.query("list expired entries of " + mapName, connection -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT entry_key FROM map_entry WHERE map_name = ? AND expires_at <= ?")) {
        select.setString(1, mapName);
        select.setLong(2, now);
        select.setMaxRows(limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            keys.add(rows.getString(1));
          }
        }
      }
      return keys;
    });
  }

  private int deleteExpired(List<String> keys, long now) {
    return database.query("delete " + keys.size() + " expired entries of " + mapName, connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM map_entry WHERE map_name = ? AND entry_key = ? AND expires_at <= ?")) {
        for (String key : keys) {
          delete.setString(1, mapName);
          delete.setString(2, key);
          delete.setLong(3, now);
          delete.addBatch();
        }
        int count = 0;
        for (int rows : delete.executeBatch()) {
          count += Math.max(0, rows);
        }
        return count;
      }
    });
  }
}
