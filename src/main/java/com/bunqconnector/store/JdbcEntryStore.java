package com.bunqconnector.store;

import com.hazelcast.map.EntryStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link JdbcMapStore} for a map whose entries live for a time (a put with a time to live): Hazelcast
 * hands it each entry's expiration time, which the row keeps, and gets it back on loading, so a loaded
 * entry lives only for what remained of it. Expired rows are not loaded; the ones found when the map
 * is first loaded are deleted then, and {@link #purgeExpired} deletes those that expire later.
 */
public final class JdbcEntryStore implements EntryStore<String, String> {

  /** Expired rows deleted, at most, when the map is first loaded. */
  static final int PURGE_AT_LOAD = 100_000;

  private final JdbcMapStore rows;

  JdbcEntryStore(JdbcMapStore rows) {
    this.rows = rows;
  }

  @Override
  public void store(String key, MetadataAwareValue<String> value) {
    storeAll(Map.of(key, value));
  }

  @Override
  public void storeAll(Map<String, MetadataAwareValue<String>> entries) {
    Map<String, String> values = new HashMap<>();
    Map<String, Long> expiries = new HashMap<>();
    entries.forEach((key, value) -> {
      values.put(key, value.getValue());
      if (value.getExpirationTime() != MetadataAwareValue.NO_TIME_SET) {
        expiries.put(key, value.getExpirationTime());
      }
    });
    rows.write(values, expiries);
  }

  @Override
  public void delete(String key) {
    rows.delete(key);
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    rows.deleteAll(keys);
  }

  @Override
  public MetadataAwareValue<String> load(String key) {
    return loadAll(List.of(key)).get(key);
  }

  @Override
  public Map<String, MetadataAwareValue<String>> loadAll(Collection<String> keys) {
    Map<String, MetadataAwareValue<String>> loaded = new HashMap<>();
    rows.read(keys).forEach((key, row) -> loaded.put(key, row.expiresAt() == null
        ? new MetadataAwareValue<>(row.value())
        : new MetadataAwareValue<>(row.value(), row.expiresAt())));
    return loaded;
  }

  /** Deletes the rows that have expired (up to {@link #PURGE_AT_LOAD}), then lists the keys of the rest. */
  @Override
  public Iterable<String> loadAllKeys() {
    rows.purgeExpired(PURGE_AT_LOAD);
    return rows.loadAllKeys();
  }

  /** See {@link JdbcMapStore#purgeExpired}. */
  public int purgeExpired(int limit) {
    return rows.purgeExpired(limit);
  }
}
