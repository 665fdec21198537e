package com.bunqconnector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Opening the embedded database: a file that lost its contents, and who may read the data directory. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DatabaseTest {

  @TempDir
  Path temp;

  @Test
  void emptyDatabaseFileIsRefusedNamingItInsteadOfStartingAfresh() throws Exception {
    Path data = temp.resolve("data");
    try (Database database = Database.embedded(data)) {
      assertThat(database.count("bunq.sessions")).isZero();
    }
    Path file = data.resolve(Database.EMBEDDED_NAME + ".mv.db");
    Files.write(file, new byte[0]);

    assertThatThrownBy(() -> Database.embedded(data)).isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("is empty (0 bytes)")
        .hasMessageContaining("restore the file")
        .hasMessageContaining("delete it to start afresh");
    assertThat(file).isEmptyFile();
  }

  @Test
  void dataDirectoryIsCreatedReadableByItsOwnerOnly() throws Exception {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Path data = temp.resolve("state").resolve("data");
    try (Database database = Database.embedded(data)) {
      assertThat(database.count("bunq.sessions")).isZero();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.getParent())))
        .isEqualTo("rwx------");
  }

  /** Opened read-only as H2 opens a database whose files it cannot write (as root, permissions do not stop it). */
  @Test
  void aDatabaseThatCanOnlyBeReadIsRefusedAtOnce() throws Exception {
    Path data = temp.resolve("data");
    try (Database database = Database.embedded(data)) {
      assertThat(database.count("bunq.sessions")).isZero();
    }
    String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve(Database.EMBEDDED_NAME) + ";ACCESS_MODE_DATA=r";
    assertThatThrownBy(() -> Database.open(url, "sa", "", Database.Dialect.H2, "embedded database in " + data))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("embedded database in " + data)
        .hasMessageContaining("can only be read");
  }

  /**
   * H2 closes an embedded database whose file it could not write (a full disk: seen on a small tmpfs,
   * where the next write but one worked again once there was room); here H2's SHUTDOWN closes it.
   */
  @Test
  void aClosedEmbeddedDatabaseIsOpenedAgainByTheNextQuery() throws Exception {
    try (Database database = Database.embedded(temp.resolve("data"))) {
      JdbcMapStore store = database.mapStore("bunq.sessions", EntryCheck.ANY);
      store.store("acme/alice", "sealed");
      assertThatThrownBy(() -> database.query("shut the database down",
          connection -> connection.createStatement().execute("SHUTDOWN"))).hasMessageContaining("closed");
      store.store("acme/carol", "sealed");
      assertThat(store.loadAllKeys()).containsExactlyInAnyOrder("acme/alice", "acme/carol");
    }
  }
}
