package com.bunqconnector.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database that keeps the node's durable state: an embedded H2 file under the data directory,
 * so a single node needs nothing else, or a PostgreSQL database that the nodes of a cluster
 * share. Opening it creates or migrates the schema with Flyway ({@code db/migration} on the class
 * path, SQL that both databases run). Every method blocks: call them from the main thread or a
 * worker (Hazelcast's map-store threads are workers), never from an event loop.
 */
public final class Database implements AutoCloseable {

  /** The file name, without H2's {@code .mv.db} suffix, of the embedded database in the data directory. */
  public static final String EMBEDDED_NAME = "connector";

  /** H2's error code for a statement on a database that has been closed (after a failed write, say). */
  private static final int H2_DATABASE_CLOSED = 90098;
  /** H2's error code for a statement on a database that was shut down. */
  private static final int H2_DATABASE_SHUT_DOWN = 90121;

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final String description;

  private Database(HikariDataSource pool, Dialect dialect, String description) {
    this.pool = pool;
    this.dialect = dialect;
    this.description = description;
  }

  /** SQL that differs between the supported databases. */
  enum Dialect {
    H2("MERGE INTO map_entry (map_name, entry_key, entry_value, updated_at, expires_at) KEY (map_name, entry_key)"
        + " VALUES (?, ?, ?, ?, ?)"),
    POSTGRESQL("INSERT INTO map_entry (map_name, entry_key, entry_value, updated_at, expires_at)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (map_name, entry_key) DO UPDATE SET"
        + " entry_value = EXCLUDED.entry_value, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at");

    final String upsert;

    Dialect(String upsert) {
      this.upsert = upsert;
    }
  }

  /**
   * Opens (creating if needed) the embedded database in {@code dataDir}. Commits reach the file
   * before the write returns ({@code WRITE_DELAY=0}), so a killed process loses no stored entry.
   *
   * <p>The directory is created readable by its owner only (see {@link PrivateDirectories}).
   *
   * @throws StoreException if the directory cannot be made, the database file exists but is empty
   *     (H2 would silently start a new database in it), another process has the database open, or
   *     the schema cannot be migrated
   */
  public static Database embedded(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      PrivateDirectories.create(dir);
    } catch (IOException e) {
      throw new StoreException("the data directory " + dir + " cannot be created: " + e.getMessage(), e);
    }
    refuseEmpty(dir.resolve(EMBEDDED_NAME + ".mv.db"));
    String url = "jdbc:h2:file:" + dir.resolve(EMBEDDED_NAME) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    return open(url, "sa", "", Dialect.H2, "embedded database in " + dir);
  }

  /**
   * Refuses a database file of zero bytes (truncated, or emptied by a failed copy): H2 would take
   * it for a new database, and every user would silently get a new context.
   */
  private static void refuseEmpty(Path file) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) == 0) {
        throw new StoreException("the embedded database " + file + " is empty (0 bytes), so every stored context"
            + " is gone from it; restore the file from a backup, or delete it to start afresh (every user then"
            + " gets a new context)", null);
      }
    } catch (IOException e) {
      throw new StoreException("the embedded database " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Opens the PostgreSQL database at {@code url} (which must exist; the schema is created in it).
   *
   * @throws StoreException if it cannot be reached, the credentials are refused, or the schema
   *     cannot be migrated
   */
  public static Database postgresql(String url, String user, String password) {
    return open(url, user, password == null ? "" : password, Dialect.POSTGRESQL,
        "PostgreSQL database " + withoutQuery(url));
  }

  static Database open(String url, String user, String password, Dialect dialect, String description) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setPoolName("bunq-store");
    config.setInitializationFailTimeout(10_000);
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("the " + description + " cannot be opened: " + rootMessage(e), e);
    }
    refuseReadOnly(pool, description);
    try {
      int applied = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load()
          .migrate().migrationsExecuted;
      log.info("Durable state in the {} (schema migrations applied now: {})", description, applied);
    } catch (FlywayException e) {
      pool.close();
      throw new StoreException("the schema of the " + description + " cannot be migrated: " + rootMessage(e), e);
    }
    return new Database(pool, dialect, description);
  }

  /**
   * Refuses a database that can only be read (its file, directory or mount is read-only, or the
   * server says so): every context a node creates must be stored, and a node that cannot store them
   * would make new ones at bunq on every try.
   */
  private static void refuseReadOnly(HikariDataSource pool, String description) {
    boolean readOnly;
    try (Connection connection = pool.getConnection()) {
      readOnly = connection.getMetaData().isReadOnly() || connection.isReadOnly();
    } catch (SQLException e) {
      pool.close();
      throw new StoreException("the " + description + " cannot be opened: " + e.getMessage(), e);
    }
    if (readOnly) {
      pool.close();
      throw new StoreException("the " + description + " can only be read (read-only files or mount): a node must"
          + " store every context it makes; make it writable or use another data directory", null);
    }
  }

  DataSource dataSource() {
    return pool;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Where the state lives, for messages (never credentials). */
  public String description() {
    return description;
  }

  /** A write-through store for the Hazelcast map {@code mapName} that loads only values {@code check} accepts. */
  public JdbcMapStore mapStore(String mapName, EntryCheck check) {
    return mapStore(mapName, check, ValueSeal.NONE);
  }

  /** Like {@link #mapStore(String, EntryCheck)}, its values sealed in their rows by {@code seal}. */
  public JdbcMapStore mapStore(String mapName, EntryCheck check, ValueSeal seal) {
    return new JdbcMapStore(this, mapName, check, seal);
  }

  /**
   * A write-through store for the Hazelcast map {@code mapName} whose entries live for a time: each
   * row keeps its entry's expiry, a loaded entry lives only for what remains of it, and expired rows
   * are neither loaded nor kept.
   */
  public JdbcEntryStore entryStore(String mapName, EntryCheck check) {
    return new JdbcEntryStore(mapStore(mapName, check));
  }

  /** The number of entries stored for {@code mapName}. */
  public int count(String mapName) {
    return query("count the entries of " + mapName, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT COUNT(*) FROM map_entry WHERE map_name = ?")) {
        select.setString(1, mapName);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return row.getInt(1);
        }
      }
    });
  }

  /** Up to {@code limit} entries of {@code mapName}, the first by key, as stored. */
  public Map<String, String> sample(String mapName, int limit) {
    return query("read entries of " + mapName, connection -> {
      Map<String, String> entries = new LinkedHashMap<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT entry_key, entry_value FROM map_entry WHERE map_name = ? ORDER BY entry_key")) {
        select.setString(1, mapName);
        select.setMaxRows(limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            entries.put(rows.getString(1), rows.getString(2));
          }
        }
      }
      return entries;
    });
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Work on one connection of the pool. */
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  <T> T query(String what, Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      if (e.getErrorCode() == H2_DATABASE_CLOSED || e.getErrorCode() == H2_DATABASE_SHUT_DOWN) {
        // H2 closes an embedded database whose file it failed to write (a full disk); its connections stay
        // closed. Evicting them makes the next query open the file again, which works once there is room.
        pool.getHikariPoolMXBean().softEvictConnections();
      }
      throw new StoreException("cannot " + what + " in the " + description + ": " + rootMessage(e), e);
    }
  }

  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
