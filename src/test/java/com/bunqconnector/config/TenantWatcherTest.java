package com.bunqconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher of the tenants directory over real files: what each read reports, what it rejects
 * (naming file and field) while the running tenant stays as it was, and the reads its timer makes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TenantWatcherTest {

  private static final String ACME = "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}],"
      + "\"callbacks\":{\"PAYMENT\":[\"acme.payments\"]}}";

  @TempDir
  Path conf;

  private Vertx vertx;
  private ConnectorConfig config;
  private final ConcurrentLinkedQueue<TenantWatcher.Changes> applied = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void load() throws Exception {
    vertx = Vertx.vertx();
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), "{\"tenantsPollMs\": 50}");
    Files.writeString(conf.resolve("tenants/acme.json"), ACME);
    config = new ConfigLoader(vertx, name -> null).load(conf).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private TenantWatcher watcher() {
    return new TenantWatcher(vertx, new ConfigLoader(vertx, name -> null), conf, config.node(), config.tenants(),
        tenant -> { }, changes -> {
          applied.add(changes);
          return Future.succeededFuture();
        });
  }

  private static TenantWatcher.Changes scan(TenantWatcher watcher) throws Exception {
    return watcher.scan().await(10, TimeUnit.SECONDS);
  }

  private void write(String file, String text) throws Exception {
    Files.writeString(conf.resolve("tenants").resolve(file), text);
  }

  @Test
  void unchangedFilesReportNothingAndAFileWithoutATokenKeepsItsTenantsToken() throws Exception {
    TenantWatcher watcher = watcher();
    assertThat(scan(watcher).isEmpty()).isTrue();
    write("acme.json", ACME.replace("\"acme.payments\"", "\"acme.payments\",\"acme.audit\""));
    TenantWatcher.Changes changes = scan(watcher);
    assertThat(changes.changed()).hasSize(1);
    TenantWatcher.Change change = changes.changed().get(0);
    assertThat(change.after().consumersFor("PAYMENT")).containsExactly("acme.payments", "acme.audit");
    assertThat(change.after().callbackToken()).isEqualTo(config.tenants().get(0).callbackToken());
    assertThat(scan(watcher).isEmpty()).as("the same text again").isTrue();
    assertThat(applied).hasSize(1);
  }

  @Test
  void addedChangedAndRemovedFilesAreReported() throws Exception {
    TenantWatcher watcher = watcher();
    write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"}]}");
    TenantWatcher.Changes first = scan(watcher);
    assertThat(first.added()).extracting(TenantConfig::id).containsExactly("globex");
    assertThat(first.added().get(0).file()).isEqualTo(conf.resolve("tenants").resolve("globex.json").toString());

    write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"},{\"id\":\"erin\"}]}");
    Files.delete(conf.resolve("tenants/acme.json"));
    TenantWatcher.Changes second = scan(watcher);
    assertThat(second.removed()).extracting(TenantConfig::id).containsExactly("acme");
    assertThat(second.changed()).singleElement().satisfies(change -> {
      assertThat(change.before().users()).containsOnlyKeys("dave");
      assertThat(change.after().users()).containsOnlyKeys("dave", "erin");
    });

    write("globex.json", "{\"id\":\"initech\",\"users\":[{\"id\":\"dave\"}]}");
    TenantWatcher.Changes renamed = scan(watcher);
    assertThat(renamed.removed()).extracting(TenantConfig::id).containsExactly("globex");
    assertThat(renamed.added()).extracting(TenantConfig::id).containsExactly("initech");
  }

  @Test
  void aBadFileIsRejectedOnceNamingFileAndFieldAndItsTenantKeepsRunning() throws Exception {
    TenantWatcher watcher = watcher();
    String acme = conf.resolve("tenants").resolve("acme.json").toString();
    try (LogCapture log = new LogCapture()) {
      write("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apikey\":\"x\"}]}");
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(watcher.rejections()).containsOnlyKeys(acme);
      assertThat(watcher.rejections().get(acme)).startsWith(acme + ": users[0].apikey: is not a known field");
      assertThat(log.text()).contains("Rejected a tenant file: " + acme + ": users[0].apikey",
          "tenant acme keeps running as it was");
      int lines = log.lines();
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(log.lines()).as("the same bad text is reported once").isEqualTo(lines);

      write("acme.json", "{\"id\":\"acme\",");
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(watcher.rejections().get(acme)).isEqualTo(acme + ": is not valid JSON at line 1 column 14");

      write("other.json", ACME);
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(watcher.rejections()).containsKey(conf.resolve("tenants").resolve("other.json").toString());
      assertThat(log.text()).contains("other.json: id: 'acme' is already used by " + acme);
    }
    write("acme.json", ACME.replace("alice", "bob"));
    TenantWatcher.Changes fixed = scan(watcher);
    assertThat(fixed.changed()).singleElement().satisfies(change -> {
      assertThat(change.before()).isEqualTo(config.tenants().get(0));
      assertThat(change.after().users()).containsOnlyKeys("bob");
    });
    assertThat(watcher.rejections()).doesNotContainKey(acme);
  }

  @Test
  void aDanglingSymbolicLinkIsARejectionNotARemovalAndItsTenantKeepsRunning() throws Exception {
    TenantWatcher watcher = watcher();
    Path acme = conf.resolve("tenants/acme.json");
    Files.delete(acme);
    Files.createSymbolicLink(acme, conf.resolve("nowhere.json"));
    try (LogCapture log = new LogCapture()) {
      assertThat(scan(watcher).isEmpty()).as("not removed").isTrue();
      assertThat(watcher.rejections().get(acme.toString()))
          .startsWith(acme + ": cannot be read (is it a dangling symbolic link?)");
      assertThat(log.text()).contains("Rejected a tenant file: " + acme, "tenant acme keeps running as it was")
          .doesNotContain("removed");
    }
    Files.delete(acme);
    Files.writeString(acme, ACME.replace("alice", "bob"));
    assertThat(scan(watcher).changed()).singleElement()
        .satisfies(change -> assertThat(change.after().users()).containsOnlyKeys("bob"));
    assertThat(watcher.rejections()).isEmpty();
  }

  @Test
  void aFifoIsRejectedUnopenedAndLaterEditsStillApply() throws Exception {
    TenantWatcher watcher = watcher();
    Path pipe = conf.resolve("tenants/pipe.json");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is available");
    assertThat(scan(watcher).isEmpty()).isTrue();
    assertThat(watcher.rejections()).containsEntry(pipe.toString(), pipe + ": is not a regular file");
    write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"}]}");
    assertThat(scan(watcher).added()).extracting(TenantConfig::id).containsExactly("globex");
    Files.delete(pipe);
    assertThat(scan(watcher).isEmpty()).isTrue();
    assertThat(watcher.rejections()).isEmpty();
  }

  @Test
  void aFileRejectedForAConflictIsAppliedOnceTheConflictIsGoneAndLoggedOnce() throws Exception {
    AtomicBoolean refuse = new AtomicBoolean(true);
    TenantWatcher watcher = new TenantWatcher(vertx, new ConfigLoader(vertx, name -> null), conf, config.node(),
        config.tenants(), tenant -> {
          if (tenant.id().equals("globex") && refuse.get()) {
            throw new ConfigException(tenant.file() + ": users[0].id: 'dave' is a user added at run time");
          }
        }, changes -> Future.succeededFuture());
    String other = conf.resolve("tenants/other.json").toString();
    try (LogCapture log = new LogCapture()) {
      write("other.json", ACME.replace("alice", "bob"));
      write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"}]}");
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(watcher.rejections()).hasSize(2).containsKey(other);
      int lines = log.lines();
      assertThat(scan(watcher).isEmpty()).isTrue();
      assertThat(log.lines()).as("each rejection is logged once").isEqualTo(lines);

      refuse.set(false);
      assertThat(scan(watcher).added()).extracting(TenantConfig::id).containsExactly("globex");
      Files.delete(conf.resolve("tenants/acme.json"));
      TenantWatcher.Changes moved = scan(watcher);
      assertThat(moved.removed()).extracting(TenantConfig::id).containsExactly("acme");
      assertThat(moved.added()).singleElement().satisfies(tenant -> {
        assertThat(tenant.file()).isEqualTo(other);
        assertThat(tenant.users()).containsOnlyKeys("bob");
      });
      assertThat(watcher.rejections()).isEmpty();
    }
  }

  @Test
  void aFileWithAByteOrderMarkIsReadAsAtStart() throws Exception {
    TenantWatcher watcher = watcher();
    write("acme.json", "\uFEFF" + ACME.replace("alice", "bob"));
    assertThat(scan(watcher).changed()).singleElement()
        .satisfies(change -> assertThat(change.after().users()).containsOnlyKeys("bob"));
    assertThat(watcher.rejections()).isEmpty();
  }

  @Test
  void anApiKeyInTheWrongPlaceIsNeverLoggedByARejection() throws Exception {
    String key = "sandbox_31b2" + "0123456789abcdef".repeat(4);
    String hex = "0123456789abcdef".repeat(4);
    List<String> texts = List.of(
        "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apiKey\":" + key + "}]}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"" + key + "\"}]}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"" + hex + "\"}]}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"permittedIps\":[\"" + key + "\"]}]}",
        "{\"id\":\"acme\",\"environment\":\"" + key + "\",\"users\":[{\"id\":\"alice\"}]}",
        "{\"id\":\"acme\",\"keyPolicy\":\"" + key + "\",\"users\":[{\"id\":\"alice\"}]}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}],\"callbacks\":{\"" + key + "\":[\"acme.x\"]}}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"" + key + "\":\"x\"}]}",
        "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}],\"callbacks\":{\"PAYMENT\":[\"bunq." + key + "\"]}}");
    TenantWatcher watcher = watcher();
    String acme = conf.resolve("tenants/acme.json").toString();
    try (LogCapture log = new LogCapture()) {
      for (String text : texts) {
        write("acme.json", text);
        assertThat(scan(watcher).isEmpty()).isTrue();
        assertThat(watcher.rejections().get(acme)).as(text).isNotNull().doesNotContain(key.substring(8))
            .doesNotContain(hex.substring(4));
      }
      assertThat(log.text()).contains("is not valid JSON at line 1 column",
          "users[0].id: must be lower-case", "'sand...' (76 characters)", "'0123...' (64 characters)",
          "users[0].sand...(76 characters): is not a known field").doesNotContain(key.substring(8))
          .doesNotContain(hex.substring(4));
    }
  }

  @Test
  void aTenantTheNodeCannotRunIsRejectedWithTheChecksMessage() throws Exception {
    TenantWatcher watcher = new TenantWatcher(vertx, new ConfigLoader(vertx, name -> null), conf, config.node(),
        config.tenants(), tenant -> {
          if (tenant.id().equals("globex")) {
            throw new ConfigException(tenant.file() + ": environment: no emulator runs");
          }
        }, changes -> Future.succeededFuture());
    write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"}]}");
    assertThat(scan(watcher).isEmpty()).isTrue();
    assertThat(watcher.rejections().values()).singleElement().asString()
        .endsWith("globex.json: environment: no emulator runs");
  }

  @Test
  void theTimerReadsTheDirectoryUntilStopped() throws Exception {
    Promise<TenantConfig> added = Promise.promise();
    TenantWatcher watcher = new TenantWatcher(vertx, new ConfigLoader(vertx, name -> null), conf, config.node(),
        config.tenants(), tenant -> { }, changes -> {
          changes.added().forEach(added::tryComplete);
          return Future.succeededFuture();
        });
    watcher.start();
    write("globex.json", "{\"id\":\"globex\",\"users\":[{\"id\":\"dave\"}]}");
    assertThat(added.future().await(10, TimeUnit.SECONDS).id()).isEqualTo("globex");
    watcher.stop();
  }

  @Test
  void aPollIntervalOfZeroWatchesNothingAndABadOneIsNamed() throws Exception {
    Files.writeString(conf.resolve("connector.json"), "{\"tenantsPollMs\": -1}");
    assertThatThrownBy(() -> new ConfigLoader(vertx, name -> null).load(conf).await(10, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class)
        .hasMessage(conf.resolve("connector.json") + ": tenantsPollMs: must be between 0 and 3600000, was -1");
    Files.writeString(conf.resolve("connector.json"), "{\"tenantsPollMs\": 0}");
    ConnectorConfig off = new ConfigLoader(vertx, name -> null).load(conf).await(10, TimeUnit.SECONDS);
    assertThat(off.node().tenantsPollMs()).isZero();
    assertThat(config.node().tenantsPollMs()).isEqualTo(50);
  }
}
