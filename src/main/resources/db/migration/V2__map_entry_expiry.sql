-- Rows of maps whose entries live for a time (bunq.callbacks.dedupe) carry the moment they expire,
-- in milliseconds since the epoch; NULL for rows that do not expire. Expired rows are never loaded
-- and are deleted in bounded batches by com.bunqconnector.store.JdbcMapStore#purgeExpired.
-- Plain SQL that H2 (embedded) and PostgreSQL (clusters) both run.
ALTER TABLE map_entry ADD COLUMN expires_at BIGINT;
CREATE INDEX map_entry_expiry ON map_entry (map_name, expires_at);
