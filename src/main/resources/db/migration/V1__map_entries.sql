-- Entries of the Hazelcast maps that must outlive the cluster (bunq.sessions, bunq.tenant-keys),
-- written through by com.bunqconnector.store.JdbcMapStore. Values are stored exactly as they are
-- in memory: JSON text whose secrets are sealed under the node's master key.
-- Plain SQL that H2 (embedded) and PostgreSQL (clusters) both run.
CREATE TABLE map_entry (
  map_name    VARCHAR(128)     NOT NULL,
  entry_key   VARCHAR(512)     NOT NULL,
  entry_value VARCHAR(1000000) NOT NULL,
  updated_at  TIMESTAMP        NOT NULL,
  PRIMARY KEY (map_name, entry_key)
);
