package com.bunqconnector.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database that keeps the node's durable state: an embedded H2 file under the data directory,
 * so a single node needs nothing else. Opening it creates or migrates the schema with Flyway
 * ({@code db/migration} on the class path; plain SQL, so that a PostgreSQL option for clusters can
 * share it). All methods block:
 * call them from a worker or the main thread, never from an event loop.
 */
public final class Database implements AutoCloseable {

  /** The file name, without H2's suffix, of the embedded database in the data directory. */
  public static final String EMBEDDED_NAME = "connector";

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
    H2("MERGE INTO map_entry (map_name, entry_key, entry_value, updated_at) KEY (map_name, entry_key)"
        + " VALUES (?, ?, ?, ?)");

    final String upsert;

    Dialect(String upsert) {
      this.upsert = upsert;
    }
  }

  /**
   * Opens (creating if needed) the embedded database in {@code dataDir}.
   *
   * @throws StoreException if the directory cannot be made, another process holds the database, or
   *     the schema cannot be migrated
   */
  public static Database embedded(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (Exception e) {
      throw new StoreException("data directory " + dir + " cannot be created: " + e.getMessage(), e);
    }
    String url = "jdbc:h2:file:" + dir.resolve(EMBEDDED_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
    return open(url, "sa", "", Dialect.H2, "embedded database in " + dir);
  }

  private static Database open(String url, String user, String password, Dialect dialect, String description) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    config.setPoolName("bunq-store");
    config.setInitializationFailTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(description + " cannot be opened: " + rootMessage(e), e);
    }
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

  DataSource dataSource() {
    return pool;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Where the state lives, for messages (no credentials). */
  public String description() {
    return description;
  }

  /** A write-through store for the Hazelcast map {@code mapName}. */
  public JdbcMapStore mapStore(String mapName) {
    return new JdbcMapStore(this, mapName);
  }

  @Override
  public void close() {
    pool.close();
  }

  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
