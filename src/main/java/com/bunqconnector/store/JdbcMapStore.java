package com.bunqconnector.store;

import com.hazelcast.map.MapStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * put. Keys and values are the map's strings, untouched: secrets stay sealed.
 *
 * <p>A stored row that cannot be used (its {@link EntryCheck} says why, or it cannot be read) is
 * reported once with its key and not loaded; the rest loads, and the key behaves as absent until
 * a new value replaces the row.
 */
public final class JdbcMapStore implements MapStore<String, String> {

  /** Keys per {@code SELECT ... IN (...)} when loading. */
  static final int LOAD_BATCH = 200;

  private static final Logger log = LoggerFactory.getLogger(JdbcMapStore.class);

  private final Database database;
  private final String mapName;
  private final EntryCheck check;
  /** Keys of rows already reported as unusable, so each is reported once per process. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  JdbcMapStore(Database database, String mapName, EntryCheck check) {
    this.database = database;
    this.mapName = mapName;
    this.check = check;
  }

  @Override
  public void store(String key, String value) {
    storeAll(Map.of(key, value));
  }

  @Override
  public void storeAll(Map<String, String> entries) {
    Timestamp now = Timestamp.from(Instant.now());
    database.query("write " + entries.size() + " entries of " + mapName, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement(database.dialect().upsert)) {
        for (Map.Entry<String, String> entry : entries.entrySet()) {
          upsert.setString(1, mapName);
          upsert.setString(2, entry.getKey());
          upsert.setString(3, entry.getValue());
          upsert.setTimestamp(4, now);
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
    List<String> all = new ArrayList<>(keys);
    Map<String, String> found = new HashMap<>();
    for (int from = 0; from < all.size(); from += LOAD_BATCH) {
      found.putAll(loadBatch(all.subList(from, Math.min(all.size(), from + LOAD_BATCH))));
    }
    return found;
  }

  private Map<String, String> loadBatch(List<String> keys) {
    String sql = "SELECT entry_key, entry_value FROM map_entry WHERE map_name = ? AND entry_key IN ("
        + "?, ".repeat(keys.size() - 1) + "?)";
    return database.query("read " + keys.size() + " entries of " + mapName, connection -> {
      Map<String, String> found = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, mapName);
        for (int i = 0; i < keys.size(); i++) {
          select.setString(i + 2, keys.get(i));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String key = rows.getString(1);
            String value = usable(key, rows);
            if (value != null) {
              found.put(key, value);
            }
          }
        }
      }
      return found;
    });
  }

  /** The row's value if it can be used, else {@code null} after reporting why. */
  private String usable(String key, ResultSet row) {
    String problem;
    String value = null;
    try {
      value = row.getString(2);
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

  @Override
  public Iterable<String> loadAllKeys() {
    return database.query("list the keys of " + mapName, connection -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT entry_key FROM map_entry WHERE map_name = ? ORDER BY entry_key")) {
        select.setString(1, mapName);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            keys.add(rows.getString(1));
          }
        }
      }
      return keys;
    });
  }
}
