package com.bunqconnector.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A durable emulator's files in its data directory. {@code emulator-state.json} is the entry point:
 * the counters, the generation of the base it builds on and the length of the journal it vouches
 * for. It is replaced on every save: written to {@code emulator-state.json.tmp} (owner-only where
 * the file system has POSIX permissions), forced to disk, renamed over the old file atomically and
 * the directory forced too, so a crash leaves the old or the new file, never part of one.
 * {@code emulator-base-<generation>.json} holds every object as it was at the last compaction (see
 * {@link ChangeLog}), and {@code emulator-journal.jsonl} what changed since, one record a line
 * ({@link StateLog}), appended and forced to disk before the state file that vouches for it by its
 * {@code journalLength}; bytes beyond that length are an unfinished save and are cut off.
 *
 * <p>A compaction writes the next generation's base (temporary file, forced, renamed, directory
 * forced), then the state file naming it with an empty journal; that rename is the step that
 * commits. A kill before it leaves the old state file, whose base and journal are untouched; a kill
 * after it leaves the new one, and the old base and the journal's bytes are leftovers. A leftover
 * temporary file, a base the state file does not name and journal bytes it does not vouch for are
 * deleted once a start has restored the state ({@link #tidy()}); a start that is refused changes no
 * file. A state file of format 1 to 3 held the changing objects itself (it is its own
 * base) and the journal only what never changes; it is still read, and the first save compacts it
 * into the current format. A lock on {@code emulator-state.lock} ({@link DirectoryLock}) keeps a second
 * emulator (in this or another process) out of a directory in use.
 *
 * <p>From format 5 on the state file also records a SHA-256 digest of its base and of the journal bytes
 * it vouches for ({@link StateDigests}), and a start whose files do not match them is refused: a base
 * or journal changed on disk after it was written, or a lowered {@code journalLength}, would otherwise
 * load silently with wrong balances. A state file of format 4 records none (there is nothing to check,
 * unless a digest field is there all the same) and the first save writes format 5 with both.
 *
 * <p>Blocking, and not thread-safe: use it from one worker thread.
 */
final class StateFile {

  static final String FILE_NAME = "emulator-state.json";
  static final String FORMAT = "bunq-emulator-state";
  /**
   * The format version written; files of a newer version are refused. Version 2 moved installations
   * and ended sessions from the state file into the journal; version 3 added payment batches, the
   * URL filters of OAuth apps, push and e-mail filters, the addresses of paid requests and the
   * schedules of drafts; version 4 moved the objects into a base file with a change log as the
   * journal (see the class comment); version 5 added the SHA-256 digests of the base and of the journal
   * bytes the state file vouches for, checked at start, so that an emulator of version 4 (which would
   * append without updating them) refuses its files. Files of versions 1 to 4 are still read.
   */
  static final int VERSION = 5;
  /** The first version with a base file apart from the state file. */
  static final int BASE_VERSION = 4;
  /** The first version whose state file records digests of its base and journal. */
  static final int DIGEST_VERSION = 5;
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Set<StandardOpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

  static final String LOCK_NAME = "emulator-state.lock";
  static final String JOURNAL_NAME = "emulator-journal.jsonl";
  static final String BASE_PREFIX = "emulator-base-";
  /** A base file, or its temporary file, of any generation. */
  private static final Pattern BASE_FILE = Pattern.compile("emulator-base-(\\d+)\\.json(\\.tmp)?");

  private final Path dir;
  private final Path file;
  private final Path temp;
  private final Path journal;
  private final StateDigests digests = new StateDigests(this);
  private final DirectoryLock lock;
  /** Bytes of the journal the state file vouches for; anything beyond is an unfinished write. */
  private long journalLength;
  /** The generation of the base the state file names; 0 while it names none (format 1 to 3, or no file). */
  private long generation;

  /**
   * A saved state: the state file, its base (the state file itself for format 1 to 3) and the journal
   * records it vouches for, in the order written.
   */
  record Saved(int version, JsonObject state, JsonObject base, String baseName, List<JsonObject> journal) {
  }

  StateFile(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE_NAME);
    this.temp = dir.resolve(FILE_NAME + TEMP_SUFFIX);
    this.journal = dir.resolve(JOURNAL_NAME);
    this.lock = new DirectoryLock(dir, dir.resolve(LOCK_NAME));
  }

  Path path() {
    return file;
  }

  /** Whether the state file names a base, which {@link #append} needs. */
  boolean hasBase() {
    return generation > 0;
  }

  /**
   * Creates the directory if needed (owner-only), takes its lock (held until {@link #close()}) and
   * reads the state and the journal. It changes no file: what an unfinished write left (a temporary
   * file, journal bytes beyond what the state file vouches for, a base it does not name) is dropped by
   * {@link #tidy()}, once the caller has restored the state, so that a refused start leaves every file
   * as it was.
   *
   * @return the saved state, empty for a directory without one
   * @throws IllegalStateException naming the file and what is wrong when it cannot be read, is not
   *     JSON, is not an emulator state file or was written by a newer version, naming the base or
   *     journal when its bytes do not match the digest the state file recorded, or naming the
   *     directory when another emulator uses it
   */
  Optional<Saved> load() {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, ownerOnly(dir, true));
      }
      lock.take();
      Optional<JsonObject> state = read();
      if (state.isEmpty()) {
        refuseOrphans();
        return Optional.empty();
      }
      int version = state.get().getInteger("version");
      JsonObject base = version >= BASE_VERSION ? readBase(state.get()) : state.get();
      String baseName = generation == 0 ? "" : baseName(generation);
      return Optional.of(new Saved(version, state.get(), base, baseName, readJournal(state.get())));
    } catch (IOException e) {
      throw new IllegalStateException("Emulator data directory " + dir + " is not usable: " + e, e);
    }
  }

  /**
   * Drops what unfinished writes left, once the state {@link #load()} read was restored: a temporary
   * file (a write that never reached its rename), bases the state file does not name (of a compaction
   * cut short, or done) and journal bytes beyond what it vouches for (a save cut short).
   */
  void tidy() {
    try {
      Files.deleteIfExists(temp);
      deleteBasesBut(generation);
      if (journalLength == 0) {
        Files.deleteIfExists(journal);
      } else {
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
          channel.truncate(journalLength);
          channel.force(true);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Emulator data directory " + dir + " is not usable: " + e, e);
    }
  }

  /** Releases the directory's lock; safe to call more than once, or without a lock. */
  void close() {
    lock.release();
  }

  /**
   * Refuses a directory whose state file is gone while what it vouched for is still there: a journal
   * with records, or a base past the first (the first alone is a first save that a kill cut short before
   * its state file, and is dropped). Starting afresh there would overwrite it all.
   */
  private void refuseOrphans() throws IOException {
    List<String> orphans = new ArrayList<>();
    if (Files.exists(journal) && Files.size(journal) > 0) {
      orphans.add(JOURNAL_NAME);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path found : files.toList()) {
        Matcher base = BASE_FILE.matcher(found.getFileName().toString());
        if (base.matches() && base.group(2) == null && Long.parseLong(base.group(1)) > 1) {
          orphans.add(found.getFileName().toString());
        }
      }
    }
    if (!orphans.isEmpty()) {
      throw new IllegalStateException("Emulator data directory " + dir + " holds " + String.join(" and ", orphans)
          + " but no " + FILE_NAME + ", which says how much of them is complete: put it back, or delete the"
          + " emulator-* files in " + dir + " to start afresh");
    }
  }

  private Optional<JsonObject> read() {
    Buffer bytes;
    try {
      bytes = Buffer.buffer(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw unreadable("cannot be read: " + e);
    }
    JsonObject json;
    try {
      json = bytes.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw unreadable("is not a JSON object (" + firstLine(e) + ")");
    }
    if (!FORMAT.equals(json.getValue("format"))) {
      throw unreadable("is not a bunq emulator state file (\"format\" is not \"" + FORMAT + "\")");
    }
    Object version = json.getValue("version");
    if (!(version instanceof Integer number) || number < 1) {
      throw unreadable("has no valid \"version\" (was " + shown(version) + ")");
    }
    if (number > VERSION) {
      throw unreadable("was written in format version " + number + " by a newer emulator; this one reads up to "
          + VERSION);
    }
    return Optional.of(json);
  }

  /** The error for a state file that cannot be used: it names the file; the start fails with it. */
  IllegalStateException unreadable(String what) {
    return new IllegalStateException("Emulator state file " + file + " " + what
        + "; fix it, or delete the emulator-* files in " + dir + " to start afresh");
  }

  /**
   * Appends {@code appended} to the journal (one JSON object a line) and forces it to disk, then
   * replaces the state file with {@code state} (which gets the base's generation, the journal's new
   * length as {@code journalLength} and the digests of both), atomically and durably. Journal bytes of
   * an earlier failed save are cut off first; a failed save keeps the length and digest vouched for
   * before it. Needs a base: {@link #compact} writes the first.
   *
   * @return the bytes written
   */
  long append(JsonObject state, List<JsonObject> appended) {
    lock.check();
    if (generation == 0) {
      throw new IllegalStateException("no base to append to in " + dir + ": compact first");
    }
    Buffer lines = Buffer.buffer();
    appended.forEach(entry -> lines.appendBuffer(entry.toBuffer()).appendByte((byte) '\n'));
    long newLength = journalLength + lines.length();
    StateDigests.Recorded recorded = digests.appending(lines);
    Buffer head = recorded.into(state.put("generation", generation).put("journalLength", newLength)).toBuffer();
    try {
      if (lines.length() > 0) {
        append(lines);
      }
      replace(file, head);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed: " + e.getMessage(), e);
    }
    journalLength = newLength;
    digests.adopt(recorded);
    return lines.length() + head.length();
  }

  /**
   * Writes {@code base} as the next generation's base file, then {@code state} naming it with an empty
   * journal (the step that commits), then deletes the old base and the journal, each step durable
   * before the next (see the class comment).
   *
   * @return the bytes written
   */
  long compact(JsonObject state, JsonObject base) {
    lock.check();
    long next = generation + 1;
    Buffer baseBytes = base.put("generation", next).toBuffer();
    StateDigests.Recorded recorded = digests.compacting(baseBytes);
    Buffer head = recorded.into(state.put("generation", next).put("journalLength", 0L)).toBuffer();
    Path nextBase = dir.resolve(baseName(next));
    try {
      replace(nextBase, baseBytes);
      replace(file, head);
    } catch (IOException e) {
      throw new UncheckedIOException("compacting " + file + " into " + nextBase + " failed: " + e.getMessage(), e);
    }
    long previous = generation;
    generation = next;
    journalLength = 0;
    digests.adopt(recorded);
    try {
      Files.deleteIfExists(journal);
      if (previous > 0) {
        Files.deleteIfExists(dir.resolve(baseName(previous)));
      }
    } catch (IOException e) {
      // Committed already: what is left over is deleted at the next start, as after a kill.
    }
    return baseBytes.length() + head.length();
  }

  /** A parser's message without the lines of where it was reading, which follow the first. */
  static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  static String baseName(long generation) {
    return BASE_PREFIX + generation + ".json";
  }

  /** The base the state file names, checked to be an emulator base of that generation. */
  private JsonObject readBase(JsonObject state) {
    Object declared = state.getValue("generation");
    if (!whole(declared) || ((Number) declared).longValue() < 1) {
      throw unreadable("has no valid \"generation\" (was " + shown(declared) + ")");
    }
    Number number = (Number) declared;
    Path base = dir.resolve(baseName(number.longValue()));
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(base);
    } catch (NoSuchFileException e) {
      throw unreadable("names the base " + base + ", which is missing");
    } catch (IOException e) {
      throw unreadable("names the base " + base + ", which cannot be read: " + e);
    }
    digests.readBase(state, base, bytes);
    JsonObject json;
    try {
      json = Buffer.buffer(bytes).toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw unreadable("names the base " + base + ", which is not a JSON object (" + firstLine(e) + ")");
    }
    if (!FORMAT.equals(json.getValue("format")) || !(json.getValue("generation") instanceof Number written)
        || written.longValue() != number.longValue()) {
      throw unreadable("names the base " + base + ", which is not an emulator base of generation " + number);
    }
    generation = number.longValue();
    return json;
  }

  /** Deletes every base file (and temporary one) but the given generation's: leftovers of a compaction. */
  private void deleteBasesBut(long keep) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path found : files.toList()) {
        Matcher base = BASE_FILE.matcher(found.getFileName().toString());
        if (base.matches() && (base.group(2) != null || Long.parseLong(base.group(1)) != keep)) {
          Files.deleteIfExists(found);
        }
      }
    }
  }

  private void append(Buffer lines) throws IOException {
    boolean created = !Files.exists(journal);
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try (FileChannel channel = FileChannel.open(journal, options, ownerOnly(dir, false))) {
      channel.truncate(journalLength);
      channel.position(journalLength);
      writeFully(channel, lines);
      channel.force(true);
    }
    if (created) {
      forceDirectory();
    }
  }

  /** Replaces {@code target} by {@code bytes}: a temporary file, forced, renamed over it, the directory forced. */
  private void replace(Path target, Buffer bytes) throws IOException {
    Path written = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    Files.deleteIfExists(written);
    try (FileChannel channel = FileChannel.open(written, CREATE_NEW, ownerOnly(dir, false))) {
      writeFully(channel, bytes);
      channel.force(true);
    }
    move(written, target);
    forceDirectory();
  }

  private static void writeFully(FileChannel channel, Buffer bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.getBytes());
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * The journal entries the state file vouches for, checked against its digest of them; what lies beyond
   * them is left for {@link #tidy()}.
   */
  private List<JsonObject> readJournal(JsonObject state) throws IOException {
    Object declared = state.getValue("journalLength");
    if (!whole(declared) || ((Number) declared).longValue() < 0
        || ((Number) declared).longValue() > Integer.MAX_VALUE) {
      throw unreadable("has no valid \"journalLength\" (was " + shown(declared) + ")");
    }
    long length = ((Number) declared).longValue();
    if (length == 0) {
      digests.readJournal(state, journal, new byte[0]);
      journalLength = 0;
      return List.of();
    }
    byte[] bytes = new byte[(int) length];
    try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
      if (channel.size() < length) {
        throw unreadable("records " + length + " bytes of " + journal + ", which has only " + channel.size());
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // Reads until the buffer is full; the size was checked above.
      }
    } catch (NoSuchFileException e) {
      throw unreadable("records " + length + " bytes of " + journal + ", which is missing");
    }
    digests.readJournal(state, journal, bytes);
    if (bytes[bytes.length - 1] != '\n') {
      throw unreadable("vouches for " + length + " bytes of " + journal + ", which do not end with a whole record"
          + " (a newline)");
    }
    journalLength = length;
    List<JsonObject> entries = new ArrayList<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < lines.length; i++) {
      try {
        entries.add(new JsonObject(lines[i]));
      } catch (DecodeException | ClassCastException e) {
        throw unreadable("vouches for " + journal + ", whose line " + (i + 1) + " is not a JSON object");
      }
    }
    return entries;
  }

  /** Whether a state file's value is a whole number (JSON parses one without a fraction as an Integer or Long). */
  private static boolean whole(Object value) {
    return value instanceof Integer || value instanceof Long;
  }

  /** A value of the state file as an error shows it: a string quoted and escaped (one line), cut to 40 characters. */
  static String shown(Object value) {
    if (!(value instanceof String text)) {
      return String.valueOf(value);
    }
    return Json.encode(text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes the rename itself durable; file systems that cannot open a directory skip this. */
  private void forceDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not supported here (e.g. Windows): the rename is as durable as the platform makes it.
    }
  }

  /** Owner-only permissions for a new file or directory in {@code dir}, where its file system has POSIX ones. */
  static FileAttribute<?>[] ownerOnly(Path dir, boolean directory) {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))};
  }
}
