package com.bunqconnector.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 digests a state file records (from format {@value StateFile#DIGEST_VERSION} on) of the
 * files it builds on: of its base's bytes ({@value #BASE}) and of the journal bytes it vouches for
 * ({@value #JOURNAL}, exactly the first {@code journalLength}). A file changed on disk after it was
 * written (a journal line edited to the same length, a lowered {@code journalLength}, an edited base)
 * then fails the start, where it would load with wrong balances. It tells damage and hand edits from
 * what the emulator wrote; someone who can write the data directory can write new digests too.
 *
 * <p>The journal's digest runs along: a save hashes only the lines it appends, on a copy, which is
 * adopted once the state file recording it is written, so after a failed save it is still that of
 * the bytes the state file on disk vouches for. The base is hashed once: when the start reads it, and
 * when a compaction writes it.
 *
 * <p>Used by {@link StateFile} alone, on its thread.
 */
final class StateDigests {

  /** The state file's field with the digest of its base, in lowercase hex. */
  static final String BASE = "baseSha256";
  /** The state file's field with the digest of the journal bytes it vouches for, in lowercase hex. */
  static final String JOURNAL = "journalSha256";
  /** Hex digits of a digest an error shows: enough to tell two apart. */
  private static final int SHOWN = 12;
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private final StateFile file;
  /** The digest of the base the state file names, in hex; null while it names none. */
  private String base;
  /** Fed the journal bytes the state file vouches for; only its copies are ever digested. */
  private MessageDigest journal = sha256();

  /** The digests a save records, the vouched ones once its state file is written ({@link #adopt}). */
  record Recorded(String base, MessageDigest journal) {

    /** {@code state} with these digests. */
    JsonObject into(JsonObject state) {
      return state.put(BASE, base).put(JOURNAL, hex(copy(journal).digest()));
    }
  }

  StateDigests(StateFile file) {
    this.file = file;
  }

  /**
   * Takes the base the start read, checked against the digest {@code state} recorded of it.
   *
   * @throws IllegalStateException naming the base when its bytes are not those recorded
   */
  void readBase(JsonObject state, Path path, byte[] bytes) {
    String read = hex(sha256().digest(bytes));
    check(state, BASE, read, path, "");
    base = read;
  }

  /**
   * Takes the journal bytes {@code state} vouches for, checked against the digest it recorded of them.
   *
   * @throws IllegalStateException naming the journal when its bytes are not those recorded
   */
  void readJournal(JsonObject state, Path path, byte[] vouched) {
    MessageDigest read = sha256();
    read.update(vouched);
    check(state, JOURNAL, hex(copy(read).digest()), path, " (its first " + vouched.length + " bytes)");
    journal = read;
  }

  /** What a save that appends {@code lines} to the journal records. */
  Recorded appending(Buffer lines) {
    MessageDigest next = copy(journal);
    next.update(lines.getBytes());
    return new Recorded(base, next);
  }

  /** What a compaction that writes {@code baseBytes} as the base (and empties the journal) records. */
  Recorded compacting(Buffer baseBytes) {
    return new Recorded(hex(sha256().digest(baseBytes.getBytes())), sha256());
  }

  /** Makes what a save recorded the vouched digests: its state file is written. */
  void adopt(Recorded saved) {
    base = saved.base();
    journal = saved.journal();
  }

  /**
   * Refuses {@code path} when {@code state} recorded another digest of it; a file of a version before
   * digests passes unless it has the field all the same (a newer file relabelled by hand).
   */
  private void check(JsonObject state, String field, String read, Path path, String part) {
    if (state.getInteger("version") < StateFile.DIGEST_VERSION && !state.containsKey(field)) {
      return;
    }
    Object recorded = state.getValue(field);
    if (!(recorded instanceof String digest) || !HEX.matcher(digest).matches()) {
      throw file.unreadable("has no valid \"" + field + "\" (was " + StateFile.shown(recorded) + ")");
    }
    if (!digest.equals(read)) {
      throw new IllegalStateException("Emulator file " + path + part + " does not match what the state file "
          + file.path() + " recorded: it was changed or damaged since it was written (SHA-256 " + shown(read)
          + "..., recorded " + shown(digest) + "...); put back the files as the emulator wrote them, or delete"
          + " the emulator-* files in " + path.getParent() + " to start afresh");
    }
  }

  private static String shown(String digest) {
    return digest.substring(0, SHOWN);
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /** A new SHA-256 digest; every Java runtime has one. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this runtime's SHA-256 cannot be copied", e);
    }
  }
}
