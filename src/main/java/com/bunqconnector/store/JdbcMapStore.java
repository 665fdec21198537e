package com.bunqconnector.store;

import com.hazelcast.map.MapStore;
import java.sql.Connection;
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

/**
 * Writes one Hazelcast map through to the {@code map_entry} table, and loads it back when the
 * cluster starts: Hazelcast calls it on its own threads, before it answers a put, so a put that
 * returned is on disk (or in PostgreSQL) and a failed write fails the put. Keys and values are
 * the map's strings, untouched: secrets stay sealed.
 */
public final class JdbcMapStore implements MapStore<String, String> {

  private final Database database;
  private final String mapName;

  JdbcMapStore(Database database, String mapName) {
    this.database = database;
    this.mapName = mapName;
  }

  @Override
  public void store(String key, String value) {
    storeAll(Map.of(key, value));
  }

  @Override
  public void storeAll(Map<String, String> entries) {
    Timestamp now = Timestamp.from(Instant.now());
    run("write " + entries.size() + " entries", connection -> {
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
  }

  @Override
  public void delete(String key) {
    deleteAll(List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    run("delete " + keys.size() + " entries", connection -> {
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
    return run("read " + keys.size() + " entries", connection -> {
      Map<String, String> found = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT entry_value FROM map_entry WHERE map_name = ? AND entry_key = ?")) {
        for (String key : keys) {
          select.setString(1, mapName);
          select.setString(2, key);
          try (ResultSet row = select.executeQuery()) {
            if (row.next() && row.getString(1) != null) {
              found.put(key, row.getString(1));
            }
          }
        }
      }
      return found;
    });
  }

  @Override
  public Iterable<String> loadAllKeys() {
    return run("list the keys", connection -> {
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

  private interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private <T> T run(String what, Work<T> work) {
    try (Connection connection = database.dataSource().getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " of " + mapName + " in the " + database.description() + ": "
          + Database.rootMessage(e), e);
    }
  }
}
