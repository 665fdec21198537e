package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The digests a state file records of its base and journal: a file changed on disk after it was
 * written (to the same length, or a journal cut back by a lowered {@code journalLength}) fails the
 * start naming it and is left as it is, files of format 4 (without digests) load and get them at the
 * next save, and a save that fails leaves digests that still match what is on disk.
 */
class StateDigestTest extends OfflineStateTestBase {

  StateDigestTest() {
    super(ChangeLog.COMPACT_MINIMUM);
  }

  @Test
  void journalLineEditedToTheSameLengthFailsTheStartNamingTheJournal() throws Exception {
    saveTwoPayments();
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    String written = Files.readString(journal);
    String edited = written.replaceFirst("\"balance\":\"99.00\"", "\"balance\":\"89.00\"");
    assertThat(edited).isNotEqualTo(written).hasSameSizeAs(written);
    Files.writeString(journal, edited);

    assertStartRefused(journal, "(its first " + edited.length() + " bytes)");
  }

  /** A lowered length would drop the saves after it (and cut them off the journal): the start fails instead. */
  @Test
  void loweredJournalLengthFailsTheStartAndKeepsTheJournal() throws Exception {
    saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file));
    List<String> lines = Files.readAllLines(dir.resolve(StateFile.JOURNAL_NAME));
    assertThat(lines).hasSize(4);
    int firstSave = (lines.get(0) + "\n" + lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8).length;

    for (int length : new int[] {firstSave, 0}) {
      Files.writeString(file, head.copy().put("journalLength", length).encode());
      assertStartRefused(dir.resolve(StateFile.JOURNAL_NAME), "(its first " + length + " bytes)");
    }
  }

  @Test
  void editedBaseFailsTheStartNamingIt() throws Exception {
    saveTwoPayments();
    Path base = dir.resolve(StateFile.baseName(1));
    String written = Files.readString(base);
    String edited = written.replaceFirst("\"balance\":\"100.00\"", "\"balance\":\"900.00\"");
    assertThat(edited).isNotEqualTo(written).hasSameSizeAs(written);
    Files.writeString(base, edited);

    assertStartRefused(base, "");
  }

  @Test
  void stateFileOfTheCurrentFormatWithoutItsDigestsFailsTheStart() throws Exception {
    saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file));
    head.remove(StateDigests.JOURNAL);
    Files.writeString(file, head.encode());

    assertThatThrownBy(() -> open(dir))
        .hasMessageContaining(file.toString()).hasMessageContaining("has no valid \"journalSha256\" (was null)");
  }

  /** An emulator of format 4 recorded no digests: its files load unchecked, and the next save records them. */
  @Test
  void filesOfFormatFourLoadAndTheNextSaveWritesTheCurrentFormatWithDigests() throws Exception {
    Map<String, Map<Object, String>> saved = saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file)).put("version", 4);
    head.remove(StateDigests.BASE);
    head.remove(StateDigests.JOURNAL);
    Files.writeString(file, head.encode());
    Path base = dir.resolve(StateFile.baseName(1));
    Files.writeString(base, new JsonObject(Files.readString(base)).put("version", 4).encode());

    durable = open(dir);
    assertThat(durable.dump()).isEqualTo(saved);
    durable.save(d -> d.pay(d.accounts().get(1), "3.00"));

    JsonObject written = new JsonObject(Files.readString(file));
    assertThat(written.getInteger("version")).isEqualTo(StateFile.VERSION);
    assertThat(written.getLong("generation")).as("appended to, not compacted").isOne();
    assertThat(written.getString(StateDigests.BASE)).isEqualTo(SavedState.sha256(Files.readAllBytes(base)));
    byte[] vouched = Arrays.copyOf(Files.readAllBytes(dir.resolve(StateFile.JOURNAL_NAME)),
        written.getInteger("journalLength"));
    assertThat(written.getString(StateDigests.JOURNAL)).isEqualTo(SavedState.sha256(vouched));
    assertThat(SavedState.journal(dir)).hasSize(6);
    Map<String, Map<Object, String>> now = durable.dump();
    durable = durable.restart();
    assertThat(durable.dump()).isEqualTo(now);
  }

  /**
   * A save whose state file cannot be written (here a directory is in the way of its temporary file;
   * a full disk does the same) has appended its journal lines already: the files it leaves load as the
   * state before it, and the next save, which writes those lines again, leaves files that load too.
   */
  @Test
  void failedSaveLeavesFilesThatLoadAndTheNextSaveRecordsWhatItWrote() throws Exception {
    Map<String, Map<Object, String>> before = saveTwoPayments();
    durable = open(dir);
    long vouched = Files.size(dir.resolve(StateFile.JOURNAL_NAME));
    Path blocker = Files.createDirectory(dir.resolve(StateFile.FILE_NAME + ".tmp"));
    Files.writeString(blocker.resolve("keeps-the-directory"), "x");

    assertThatThrownBy(() -> durable.save(d -> d.pay(d.accounts().get(0), "5.00")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("writing " + dir.resolve(StateFile.FILE_NAME));
    assertThat(Files.size(dir.resolve(StateFile.JOURNAL_NAME))).as("the lines went out").isGreaterThan(vouched);
    assertThat(dumpOf(SavedState.copy(dir, copies.resolve("after-the-failure")))).isEqualTo(before);

    Files.delete(blocker.resolve("keeps-the-directory"));
    Files.delete(blocker);
    durable.save(d -> d.pay(d.accounts().get(1), "7.00"));
    Map<String, Map<Object, String>> saved = durable.dump();
    assertThat(saved).isNotEqualTo(before);
    durable = durable.restart();
    assertThat(durable.dump()).isEqualTo(saved);
  }

  /** A file relabelled as format 4 keeps its digests, and they are checked: an edited journal still fails. */
  @Test
  void digestsOfAFileRelabelledAsFormatFourAreCheckedAllTheSame() throws Exception {
    saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    Files.writeString(file, new JsonObject(Files.readString(file)).put("version", 4).encode());
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    String written = Files.readString(journal);
    Files.writeString(journal, written.replaceFirst("\"balance\":\"99.00\"", "\"balance\":\"89.00\""));

    assertStartRefused(journal, "(its first " + written.length() + " bytes)");
  }

  /**
   * Whatever refuses a start, after the digests too (here a journal line that is not JSON, in a file of
   * format 4, which has no digests), no file is changed: not the journal past its length, not a base the
   * state file does not name, not a temporary file.
   */
  @Test
  void refusedStartDeletesAndCutsNothing() throws Exception {
    saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file)).put("version", 4);
    head.remove(StateDigests.BASE);
    head.remove(StateDigests.JOURNAL);
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    Files.writeString(file, head.put("journalLength", Files.size(journal) - 3).encode());
    Files.writeString(dir.resolve(StateFile.baseName(2)), "{\"a later base\": true}");
    Files.writeString(dir.resolve(StateFile.FILE_NAME + ".tmp"), "{\"an unfinished write\": true}");
    Map<String, String> before = files();

    assertThatThrownBy(() -> open(dir)).hasMessageContaining(file.toString())
        .hasMessageContaining("do not end with a whole record");
    assertThat(files()).isEqualTo(before);

    Files.writeString(file, head.put("journalLength", 0.5).encode());
    before = files();
    assertThatThrownBy(() -> open(dir)).hasMessageContaining("has no valid \"journalLength\" (was 0.5)");
    assertThat(files()).isEqualTo(before);
    Files.writeString(file, head.put("journalLength", 0).put("generation", 1.5).encode());
    assertThatThrownBy(() -> open(dir)).hasMessageContaining("has no valid \"generation\" (was 1.5)");
  }

  @Test
  void badDigestIsQuotedOnOneLine() throws Exception {
    saveTwoPayments();
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file));
    Files.writeString(file, head.put(StateDigests.BASE, head.getString(StateDigests.BASE) + "\nmore").encode());

    assertThatThrownBy(() -> open(dir)).hasMessageContaining("has no valid \"baseSha256\" (was \"")
        .hasMessageContaining("...\")").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** Two users, and two saves of a payment each out of the first account; closed, its dump returned. */
  private Map<String, Map<Object, String>> saveTwoPayments() throws Exception {
    durable = open(dir);
    durable.save(d -> d.users(2));
    durable.save(d -> d.pay(d.accounts().get(0), "1.00"));
    durable.save(d -> d.pay(d.accounts().get(0), "2.00"));
    Map<String, Map<Object, String>> saved = durable.dump();
    durable.close();
    durable = null;
    return saved;
  }

  /** The start fails naming {@code changed} (and {@code part} of it) and the state file, and changes no file. */
  private void assertStartRefused(Path changed, String part) throws IOException {
    Map<String, String> before = files();
    Throwable refused = catchThrowable(() -> open(dir));
    assertThat(refused).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Emulator file " + changed + " " + part)
        .hasMessageContaining("does not match what the state file " + dir.resolve(StateFile.FILE_NAME) + " recorded")
        .hasMessageContaining("changed or damaged since it was written")
        .hasMessageContaining("put back the files as the emulator wrote them, or delete the emulator-* files in "
            + dir + " to start afresh");
    assertThat(refused.getMessage()).as("digests in short").doesNotContainPattern("[0-9a-f]{40}");
    assertThat(files()).isEqualTo(before);
  }

  /** The data directory's files (but the lock), each by its SHA-256. */
  private Map<String, String> files() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> listed = Files.list(dir)) {
      for (Path file : listed.toList()) {
        if (!file.getFileName().toString().equals(StateFile.LOCK_NAME)) {
          files.put(file.getFileName().toString(), SavedState.sha256(Files.readAllBytes(file)));
        }
      }
    }
    return files;
  }
}
