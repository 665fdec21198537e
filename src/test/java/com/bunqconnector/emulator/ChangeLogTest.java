package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.Attachments.AccountAttachment;
import com.bunqconnector.emulator.Attachments.Avatar;
import com.bunqconnector.emulator.Attachments.PublicAttachment;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.AuthorizationCode;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.Psd2Credentials.Credential;
import com.bunqconnector.emulator.Psd2Credentials.Provider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The change log on its own, without the HTTP side: what a save journals, what a restart reads back,
 * compaction past the bound, a compaction cut short by a kill, and files of the older formats.
 */
class ChangeLogTest extends OfflineStateTestBase {

  /** A small minimum, so that a few saves take the journal past the bound. */
  private static final long MINIMUM = 20;
  private static final int USERS = 5;

  ChangeLogTest() {
    super(MINIMUM);
  }

  @Test
  void saveAfterOneAccountChangedJournalsThatAccountAlone() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(50));
    assertThat(SavedState.journal(dir)).as("the first save writes a base").isEmpty();
    long baseBytes = Files.size(dir.resolve(StateFile.baseName(1)));
    long journalBefore = journalSize();

    long changed = durable.call(() -> durable.accounts().get(7).id);
    durable.save(d -> d.pay(d.accounts().get(7), "1.00"));

    List<JsonObject> records = SavedState.journal(dir);
    assertThat(records).extracting(ChangeLogTest::kind).as("the account and its payment")
        .containsExactly("account", "payment");
    assertThat(records.get(0).getJsonObject("account").getLong("id")).isEqualTo(changed);
    assertThat(journalSize() - journalBefore).as("one account's bytes, not the base's " + baseBytes)
        .isLessThan(baseBytes / 20);

    durable = durable.restart();
    OfflineState restarted = durable;
    long other = restarted.call(() -> restarted.accounts().get(30).id);
    restarted.save(d -> d.pay(d.accounts().get(30), "2.00"));

    records = SavedState.journal(dir);
    assertThat(records.subList(2, records.size())).as("what was read back counts as written: only the new change")
        .extracting(ChangeLogTest::kind).containsExactly("account", "payment");
    assertThat(records.get(2).getJsonObject("account").getLong("id")).isEqualTo(other);
    assertThat(restarted.call(() -> restarted.state.account(other).orElseThrow().balance))
        .isEqualByComparingTo("98.00");
  }

  @Test
  void removedObjectStaysRemovedAfterARestart() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(2));
    Map<String, String> codes = new HashMap<>();
    durable.save(d -> {
      User owner = d.state.users().get(0);
      OauthClient client = d.oauth.addClient(owner, "app", "secret");
      codes.put("kept", d.oauth.issueCode(client, "https://app.example/cb", "s", owner).code());
      codes.put("redeemed", d.oauth.issueCode(client, "https://app.example/cb", "s", owner).code());
      d.store.putPending(d.pending(1, owner));
      d.store.putPending(d.pending(2, owner));
    });

    durable.save(d -> {
      OauthClient client = d.oauth.clientByClientId("app").orElseThrow();
      assertThat(d.oauth.redeem(codes.get("redeemed"), client, "https://app.example/cb")).isPresent();
      d.store.removePending(d.store.pendingCallbacks().get(0));
    });

    List<JsonObject> records = SavedState.journal(dir);
    assertThat(records.subList(records.size() - 2, records.size())).extracting(r -> r.getJsonObject("delete"))
        .containsExactlyInAnyOrder(new JsonObject().put("oauthCode", codes.get("redeemed")),
            new JsonObject().put("pendingCallback", 1L));
    for (int restart = 0; restart < 2; restart++) {
      durable = durable.restart();
      durable.save(d -> d.pay(d.accounts().get(0), "1.00"));
      OfflineState now = durable;
      assertThat(durable.call(() -> now.oauth.codes().stream().map(AuthorizationCode::code).toList()))
          .containsExactly(codes.get("kept"));
      assertThat(durable.call(() -> now.store.pendingCallbacks().stream().map(p -> p.key).toList()))
          .containsExactly(2L);
    }
  }

  @Test
  void journalRecordThatDeletesWhatIsNotThereFailsTheStartNamingItsLine() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(1));
    durable.save(d -> d.pay(d.accounts().get(0), "1.00"));
    durable.close();
    durable = null;
    Path file = dir.resolve(StateFile.FILE_NAME);
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    Files.writeString(journal, "{\"delete\":{\"account\":1}}\n", StandardOpenOption.APPEND);
    JsonObject head = new JsonObject(Files.readString(file)).put("journalLength", Files.size(journal));
    Files.writeString(file, head.encode());
    SavedState.reseal(dir);

    assertThatThrownBy(() -> open(dir)).hasMessageContaining(file.toString())
        .hasMessageContaining(StateFile.JOURNAL_NAME + " line 3: deletes an object that is not there");
  }

  @Test
  void journalPastTheBoundIsCompactedAndTheStateSurvivesARestart() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    int saves = compactByChangingOneAccount(null);

    assertThat(saves).as("saves until a compaction: the journal passed twice the live records and the minimum")
        .isGreaterThan(2 * 2 * USERS).isGreaterThan((int) MINIMUM).isLessThan(40);
    assertThat(SavedState.bases(dir)).containsExactly(StateFile.baseName(2));
    assertThat(dir.resolve(StateFile.JOURNAL_NAME)).doesNotExist();
    assertThat(new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME))).getLong("journalLength"))
        .isZero();
    Map<String, Map<Object, String>> before = durable.dump();

    durable = durable.restart();

    assertThat(durable.dump()).isEqualTo(before);
    durable.save(d -> d.pay(d.accounts().get(1), "1.00"));
    assertThat(SavedState.journal(dir)).extracting(ChangeLogTest::kind).containsExactly("account", "payment");
  }

  /**
   * A compaction that fails (here its base cannot be written; a full disk does the same) fails that one
   * save; the saves after it go on into the journal, and the compaction is tried again once the journal
   * has grown by the minimum.
   */
  @Test
  void failedCompactionIsFollowedBySavesIntoTheJournalAndALaterCompaction() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    Path blocked = Files.createDirectory(dir.resolve(StateFile.baseName(2) + ".tmp"));
    Files.writeString(blocked.resolve("in-the-way"), "");
    int failed = 0;
    for (int save = 0; save < 100 && failed == 0; save++) {
      try {
        durable.save(d -> d.accounts().get(0).description = "changed " + System.nanoTime());
      } catch (UncheckedIOException e) {
        assertThat(e).hasMessageContaining("compacting");
        failed++;
      }
    }
    assertThat(failed).as("a compaction was tried and failed").isOne();
    long journal = journalSize();
    for (int save = 0; save < MINIMUM / 2; save++) {
      durable.save(d -> d.accounts().get(1).description = "after " + System.nanoTime());
    }
    assertThat(journalSize()).as("saved into the journal").isGreaterThan(journal);
    assertThat(SavedState.bases(dir)).contains(StateFile.baseName(1)).doesNotContain(StateFile.baseName(2));

    Files.delete(blocked.resolve("in-the-way"));
    Files.delete(blocked);
    int saves = compactByChangingOneAccount(null);
    assertThat(saves).as("compacted once the journal grew by the minimum again").isLessThanOrEqualTo((int) MINIMUM);
    Map<String, Map<Object, String>> before = durable.dump();
    durable = durable.restart();
    assertThat(durable.dump()).isEqualTo(before);
  }

  /** Payments stay live: a journal that grows by them is no reason to compact, however long it gets. */
  @Test
  void journalThatGrowsByLiveObjectsIsNotCompacted() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    for (int save = 0; save < 4 * MINIMUM; save++) {
      durable.save(d -> d.pay(d.accounts().get(0), "0.01"));
    }

    assertThat(SavedState.journal(dir)).hasSize((int) (2 * 4 * MINIMUM));
    assertThat(SavedState.bases(dir)).containsExactly(StateFile.baseName(1));
  }

  /** The files a kill leaves at each step of a compaction read as the state before it, or after it. */
  @Test
  void killDuringACompactionLeavesTheStateBeforeOrAfterIt() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    Path before = copies.resolve("before");
    Map<String, Map<Object, String>> stateBefore = new HashMap<>();
    compactByChangingOneAccount(() -> {
      SavedState.copy(dir, before);
      stateBefore.clear();
      stateBefore.putAll(durable.dump());
    });
    Map<String, Map<Object, String>> stateAfter = durable.dump();
    assertThat(stateAfter).isNotEqualTo(stateBefore);
    durable.close();
    durable = null;
    Buffer newBase = Buffer.buffer(Files.readAllBytes(dir.resolve(StateFile.baseName(2))));
    Buffer newHead = Buffer.buffer(Files.readAllBytes(dir.resolve(StateFile.FILE_NAME)));

    Path halfBase = SavedState.copy(before, copies.resolve("half-base"));
    Files.write(halfBase.resolve(StateFile.baseName(2) + ".tmp"), half(newBase));
    assertThat(dumpOf(halfBase)).as("killed while writing the new base").isEqualTo(stateBefore);
    assertThat(SavedState.bases(halfBase)).containsExactly(StateFile.baseName(1));

    Path halfHead = SavedState.copy(before, copies.resolve("half-head"));
    Files.write(halfHead.resolve(StateFile.baseName(2)), newBase.getBytes());
    Files.write(halfHead.resolve(StateFile.FILE_NAME + ".tmp"), half(newHead));
    assertThat(dumpOf(halfHead)).as("killed before the state file's rename").isEqualTo(stateBefore);
    assertThat(SavedState.bases(halfHead)).containsExactly(StateFile.baseName(1));
    assertThat(halfHead.resolve(StateFile.FILE_NAME + ".tmp")).doesNotExist();

    Path renamed = SavedState.copy(before, copies.resolve("renamed"));
    Files.write(renamed.resolve(StateFile.baseName(2)), newBase.getBytes());
    Files.write(renamed.resolve(StateFile.FILE_NAME), newHead.getBytes());
    assertThat(dumpOf(renamed)).as("killed after the rename, before the clean-up").isEqualTo(stateAfter);
    assertThat(SavedState.bases(renamed)).containsExactly(StateFile.baseName(2));
    assertThat(renamed.resolve(StateFile.JOURNAL_NAME)).doesNotExist();
  }

  @Test
  void filesOfFormatsOneToThreeLoadAndTheFirstSaveCompactsThemIntoTheCurrentFormat() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    durable.save(d -> {
      d.pay(d.accounts().get(0), "3.00");
      d.store.putPending(d.pending(1, d.state.users().get(1)));
      d.oauth.issueCode(d.oauth.addClient(d.state.users().get(2), "app", "secret"), "https://a.example", null,
          d.state.users().get(3));
    });
    Map<String, Map<Object, String>> saved = durable.dump();
    durable.close();
    durable = null;

    for (int version = 1; version < StateFile.BASE_VERSION; version++) {
      SavedState.rewrite(dir, version);
      assertThat(SavedState.bases(dir)).isEmpty();
      durable = open(dir);
      assertThat(durable.dump()).as("format %d read", version).isEqualTo(saved);
      durable.save(d -> { });
      JsonObject head = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
      assertThat(head.getInteger("version")).isEqualTo(StateFile.VERSION);
      assertThat(head.getLong("journalLength")).isZero();
      assertThat(SavedState.bases(dir)).containsExactly(StateFile.baseName(1));
      durable = durable.restart();
      assertThat(durable.dump()).as("format %d, compacted into the current one", version).isEqualTo(saved);
      durable.close();
      durable = null;
    }
  }

  /** Attachments, cards and PSD2 providers are kinds of the table: a compaction keeps them, a restart reads them. */
  @Test
  void attachmentChangedCardAndPsd2CredentialSurviveACompactionAndARestart() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(USERS));
    Psd2Certificates.Qseal qseal = Psd2Certificates.valid("CN=Kept PISP, C=NL", Instant.now());
    KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    long[] ids = new long[3];
    durable.save(d -> {
      Account account = d.accounts().get(0);
      PublicAttachment image = new PublicAttachment("image-uuid", d.state.now(), "image/png", "kept",
          Buffer.buffer(new byte[] {1, 2, 3}), 1, 1);
      d.store.attachments().addPublic(image);
      d.store.attachments().addAvatar(new Avatar("avatar-uuid", d.state.now(), image));
      ids[0] = d.state.nextId();
      d.store.attachments().addAccountAttachment(new AccountAttachment(ids[0], account.id, d.state.now(),
          "application/pdf", "kept", Buffer.buffer("%PDF-1.4")));
      ids[1] = new Cards(d.state, d.store).emulatedCard(account).id;
      User psp = d.state.createUser(Model.Kind.PSP, "Kept PISP", null, BigDecimal.ZERO, 3600);
      Provider provider = new Provider(psp, qseal.pem(), QsealCertificate.parse(qseal.pem()).fingerprint());
      d.state.psd2().addProvider(provider);
      Installation installation = new Installation(d.state.nextId(), d.state.nextId(), d.state.now(), "token",
          keys.getPublic(), keys);
      d.state.addInstallation(installation);
      ids[2] = d.state.nextId();
      d.state.psd2().addCredential(new Credential(ids[2], d.state.now(), installation.id(), provider));
    });
    durable.save(d -> {
      d.store.card(d.accounts().get(0).owner.id(), ids[1]).orElseThrow().status = "DEACTIVATED";
      d.state.psd2().credential(ids[2]).orElseThrow().status = Psd2Credentials.ACTIVE;
    });
    assertThat(SavedState.journal(dir)).extracting(ChangeLogTest::kind).as("the changed card and credential")
        .endsWith("psd2Credential", "card");
    compactByChangingOneAccount(null);
    Map<String, Map<Object, String>> compacted = durable.dump();

    durable = durable.restart();

    assertThat(durable.dump()).isEqualTo(compacted);
    OfflineState now = durable;
    assertThat(now.call(() -> now.store.attachments().avatar("avatar-uuid").orElseThrow().image().content()))
        .isEqualTo(Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(now.call(() -> now.store.attachments().accountAttachment(now.accounts().get(0).id, ids[0])))
        .isPresent();
    assertThat(now.call(() -> now.store.card(now.accounts().get(0).owner.id(), ids[1]).orElseThrow().status))
        .isEqualTo("DEACTIVATED");
    assertThat(now.call(() -> now.state.psd2().credential(ids[2]).orElseThrow().status))
        .isEqualTo(Psd2Credentials.ACTIVE);
    assertThat(now.call(() -> now.state.psd2().provider(QsealCertificate.parse(qseal.pem()).fingerprint())))
        .isPresent();

    durable.close();
    durable = null;
    SavedState.rewrite(dir, 3);
    assertThat(SavedState.journal(dir)).extracting(ChangeLogTest::kind).as("as format 3 journaled them")
        .contains("attachmentPublic", "avatar", "accountAttachment");
    durable = open(dir);
    assertThat(durable.dump()).as("read from format 3").isEqualTo(compacted);
  }

  /**
   * Changes one account's description per save (a payment would add a live record per save, and a
   * journal of live records never needs compacting) until a save compacts, running
   * {@code beforeEach} ahead of every save (if given); bounded. Returns the number of saves.
   */
  private int compactByChangingOneAccount(Step beforeEach) throws Exception {
    for (int save = 1; save <= 100; save++) {
      if (beforeEach != null) {
        beforeEach.run();
      }
      durable.save(d -> d.accounts().get(0).description = "changed " + System.nanoTime());
      if (SavedState.bases(dir).contains(StateFile.baseName(2))) {
        return save;
      }
    }
    throw new AssertionError("no compaction in 100 saves");
  }

  /** Something a test does that may fail. */
  private interface Step {
    void run() throws Exception;
  }

  /** The kind of object a journal record puts (or {@code delete}). */
  private static String kind(JsonObject record) {
    return record.fieldNames().iterator().next();
  }

  private long journalSize() throws IOException {
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    return Files.exists(journal) ? Files.size(journal) : 0;
  }

  private static byte[] half(Buffer bytes) {
    return Arrays.copyOf(bytes.getBytes(), bytes.length() / 2);
  }
}
