package com.bunqconnector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.testing.LogCapture;
import com.hazelcast.map.EntryLoader.MetadataAwareValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write-through map store on both databases it supports: the embedded H2 file and a real PostgreSQL. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdbcMapStoreTest {

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  @TempDir
  Path dataDir;

  /** A database of the kind named; the same arguments open the same database again. */
  private Database open(String kind, String url) {
    return kind.equals("h2") ? Database.embedded(dataDir) : Database.postgresql(url, PostgresServer.USER, "");
  }

  private String urlFor(String kind) {
    return kind.equals("h2") ? null : POSTGRES.newDatabase();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void entriesWrittenThroughAreThereAfterTheDatabaseIsReopened(String kind) {
    String url = urlFor(kind);
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 450; i++) {
      many.put("acme/user" + i, "{\"n\":" + i + "}");
    }
    try (Database database = open(kind, url)) {
      JdbcMapStore store = database.mapStore("bunq.sessions", EntryCheck.ANY);
      store.storeAll(many);
      store.store("acme/alice", "{\"v\":1}");
      store.store("acme/alice", "{\"v\":2}");
      store.store("acme/gone", "{}");
      store.delete("acme/gone");
      database.mapStore("bunq.tenant-keys", EntryCheck.ANY).store("acme", "{\"k\":1}");
    }
    try (Database database = open(kind, url)) {
      JdbcMapStore store = database.mapStore("bunq.sessions", EntryCheck.ANY);
      List<String> keys = new ArrayList<>();
      store.loadAllKeys().forEach(keys::add);
      assertThat(keys).hasSize(451).contains("acme/alice", "acme/user0", "acme/user449").doesNotContain("acme/gone");
      Map<String, String> loaded = store.loadAll(keys);
      assertThat(loaded).hasSize(451).containsEntry("acme/alice", "{\"v\":2}").containsAllEntriesOf(many);
      assertThat(store.load("acme/gone")).isNull();
      assertThat(database.count("bunq.sessions")).isEqualTo(451);
      assertThat(database.count("bunq.tenant-keys")).isEqualTo(1);
      assertThat(database.sample("bunq.sessions", 2)).containsOnlyKeys("acme/alice", "acme/user0");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void expiringEntriesComeBackWithTheirExpiryAndExpiredRowsAreNeitherLoadedNorKept(String kind) {
    String url = urlFor(kind);
    long now = System.currentTimeMillis();
    long later = now + 3_600_000;
    try (Database database = open(kind, url)) {
      JdbcEntryStore store = database.entryStore("bunq.callbacks.dedupe", EntryCheck.ANY);
      store.store("live", new MetadataAwareValue<>("1", later));
      store.store("forever", new MetadataAwareValue<>("2"));
      Map<String, MetadataAwareValue<String>> expired = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        expired.put("gone" + i, new MetadataAwareValue<>("3", now - 1_000));
      }
      store.storeAll(expired);
      assertThat(store.load("gone0")).as("an expired row is not loaded").isNull();
      assertThat(store.purgeExpired(3)).as("bounded").isEqualTo(3);
      assertThat(database.count("bunq.callbacks.dedupe")).isEqualTo(4);
    }
    try (Database database = open(kind, url)) {
      JdbcEntryStore store = database.entryStore("bunq.callbacks.dedupe", EntryCheck.ANY);
      List<String> keys = new ArrayList<>();
      store.loadAllKeys().forEach(keys::add);
      assertThat(keys).containsExactly("forever", "live");
      assertThat(database.count("bunq.callbacks.dedupe")).as("expired rows deleted at load").isEqualTo(2);
      Map<String, MetadataAwareValue<String>> loaded = store.loadAll(List.of("live", "forever", "gone4"));
      assertThat(loaded).containsOnlyKeys("live", "forever");
      assertThat(loaded.get("live").getExpirationTime()).isEqualTo(later);
      assertThat(loaded.get("forever").getExpirationTime()).isEqualTo(MetadataAwareValue.NO_TIME_SET);
      assertThat(store.purgeExpired(10)).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void sealedValuesAreStoredSealedAndOpenedOnLoad(String kind) {
    ValueSeal reversed = new ValueSeal() {
      @Override
      public String seal(String key, String value) {
        return "sealed:" + new StringBuilder(value).reverse();
      }

      @Override
      public String open(String key, String stored) {
        if (!stored.startsWith("sealed:")) {
          throw new IllegalArgumentException("not sealed");
        }
        return new StringBuilder(stored.substring(7)).reverse().toString();
      }
    };
    try (Database database = open(kind, urlFor(kind)); LogCapture log = new LogCapture()) {
      JdbcMapStore store = database.mapStore("bunq.callbacks.tokens", EntryCheck.ANY, reversed);
      store.store("acme", "{\"token\":\"abc\"}");
      database.mapStore("bunq.callbacks.tokens", EntryCheck.ANY).store("clear", "{}");
      assertThat(database.sample("bunq.callbacks.tokens", 10)).containsEntry("acme", "sealed:}\"cba\":\"nekot\"{");
      assertThat(store.loadAll(List.of("acme", "clear"))).containsOnly(Map.entry("acme", "{\"token\":\"abc\"}"));
      assertThat(log.text()).contains("Skipped the stored entry clear of bunq.callbacks.tokens", "not sealed");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void unusableRowsAreReportedOnceByKeyAndSkippedWhileTheRestLoads(String kind) {
    EntryCheck check = (key, value) -> value.startsWith("{") ? null : "it is not a JSON object";
    try (Database database = open(kind, urlFor(kind)); LogCapture log = new LogCapture()) {
      JdbcMapStore store = database.mapStore("bunq.sessions", check);
      store.storeAll(Map.of("acme/good", "{}", "acme/broken", "garbage"));
      List<String> keys = List.of("acme/good", "acme/broken");
      assertThat(store.loadAll(keys)).containsOnlyKeys("acme/good");
      assertThat(store.load("acme/broken")).isNull();
      assertThat(log.text()).contains("Skipped the stored entry acme/broken of bunq.sessions")
          .contains("it is not a JSON object").doesNotContain("garbage");
      assertThat(log.text().split("acme/broken", -1)).as("reported once").hasSize(2);
      store.store("acme/broken", "{\"fixed\":true}");
      assertThat(store.load("acme/broken")).isEqualTo("{\"fixed\":true}");
    }
  }

  @Test
  void unreachablePostgresqlFailsWithAMessageThatNamesItAndNoPassword() {
    assertThatThrownBy(() -> Database.postgresql("jdbc:postgresql://127.0.0.1:1/none", "connector", "s3cret-pw"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("PostgreSQL database jdbc:postgresql://127.0.0.1:1/none cannot be opened")
        .hasMessageNotContaining("s3cret-pw");
  }
}
