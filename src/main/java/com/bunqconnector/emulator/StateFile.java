package com.bunqconnector.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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

/**
 * A durable emulator's files in its data directory. {@code emulator-state.json} holds everything
 * that changes (users, keys, sessions, accounts, requests, ...) and is replaced whole: written to
 * {@code emulator-state.json.tmp} (owner-only where the file system has POSIX permissions), forced
 * to disk, renamed over the old file atomically and the directory forced too, so a crash leaves the
 * old or the new state, never part of one; a leftover temporary file is deleted at start.
 * {@code emulator-journal.jsonl} holds what never changes once made (payments, MasterCard actions,
 * events, installations, ended sessions), one JSON object a line, appended and forced to disk
 * before the state file that vouches for it by its {@code journalLength}; bytes beyond that length
 * are an unfinished save and are cut off. So a save costs the changing state plus what is new, not
 * the whole history. A lock on {@code emulator-state.lock} keeps a second emulator (in this or
 * another process) out of a directory in use.
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
   * schedules of drafts. Files of versions 1 and 2 are still read.
   */
  static final int VERSION = 3;
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Set<StandardOpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

  static final String LOCK_NAME = "emulator-state.lock";
  static final String JOURNAL_NAME = "emulator-journal.jsonl";

  private final Path dir;
  private final Path file;
  private final Path temp;
  private final Path journal;
  private FileChannel lockChannel;
  /** Bytes of the journal the state file vouches for; anything beyond is an unfinished write. */
  private long journalLength;

  /** A saved state: the state file and the journal entries it vouches for, in the order written. */
  record Saved(JsonObject state, List<JsonObject> journal) {
  }

  StateFile(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE_NAME);
    this.temp = dir.resolve(FILE_NAME + TEMP_SUFFIX);
    this.journal = dir.resolve(JOURNAL_NAME);
  }

  Path path() {
    return file;
  }

  /**
   * Creates the directory if needed (owner-only), takes its lock (held until {@link #close()}), drops
   * an unfinished write (a temporary file, journal bytes beyond what the state file vouches for) and
   * reads the state and the journal.
   *
   * @return the saved state, empty for a directory without one
   * @throws IllegalStateException naming the file and what is wrong when it cannot be read, is not
   *     JSON, is not an emulator state file or was written by a newer version, or naming the
   *     directory when another emulator uses it
   */
  Optional<Saved> load() {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, ownerOnly(true));
      }
      lock();
      // A temporary file is a write that never reached its rename: the state file holds the last complete state.
      Files.deleteIfExists(temp);
      Optional<JsonObject> state = read();
      return state.isEmpty() ? Optional.empty() : Optional.of(new Saved(state.get(), readJournal(state.get())));
    } catch (IOException e) {
      throw new IllegalStateException("Emulator data directory " + dir + " is not usable: " + e, e);
    }
  }

  /** Releases the directory's lock; safe to call more than once, or without a lock. */
  void close() {
    try {
      if (lockChannel != null) {
        lockChannel.close();
        lockChannel = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("releasing the lock of " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** One emulator per directory: two writers would overwrite each other's state. */
  private void lock() throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("Emulator data directory " + dir + " is in use by another emulator");
    }
    lockChannel = channel;
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
      throw unreadable("is not a JSON object (" + e.getMessage() + ")");
    }
    if (!FORMAT.equals(json.getValue("format"))) {
      throw unreadable("is not a bunq emulator state file (\"format\" is not \"" + FORMAT + "\")");
    }
    Object version = json.getValue("version");
    if (!(version instanceof Integer number) || number < 1) {
      throw unreadable("has no valid \"version\" (was " + version + ")");
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
        + "; fix or remove it (removing it starts the emulator afresh)");
  }

  /**
   * Appends {@code appended} to the journal (one JSON object a line) and forces it to disk, then
   * replaces the state file with {@code state} (which gets the journal's new length as
   * {@code journalLength}), atomically and durably. Journal bytes of an earlier failed save are cut off
   * first.
   */
  void write(JsonObject state, List<JsonObject> appended) {
    Buffer lines = Buffer.buffer();
    appended.forEach(entry -> lines.appendBuffer(entry.toBuffer()).appendByte((byte) '\n'));
    long newLength = journalLength + lines.length();
    try {
      if (lines.length() > 0) {
        append(lines);
      }
      state.put("journalLength", newLength);
      replace(state.toBuffer());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed: " + e.getMessage(), e);
    }
    journalLength = newLength;
  }

  private void append(Buffer lines) throws IOException {
    boolean created = !Files.exists(journal);
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try (FileChannel channel = FileChannel.open(journal, options, ownerOnly(false))) {
      channel.truncate(journalLength);
      channel.position(journalLength);
      writeFully(channel, lines);
      channel.force(true);
    }
    if (created) {
      forceDirectory();
    }
  }

  private void replace(Buffer bytes) throws IOException {
    Files.deleteIfExists(temp);
    try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, ownerOnly(false))) {
      writeFully(channel, bytes);
      channel.force(true);
    }
    move();
    forceDirectory();
  }

  private static void writeFully(FileChannel channel, Buffer bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.getBytes());
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** The journal entries the state file vouches for; what lies beyond them is cut off. */
  private List<JsonObject> readJournal(JsonObject state) throws IOException {
    Object declared = state.getValue("journalLength");
    if (!(declared instanceof Number number) || number.longValue() < 0 || number.longValue() > Integer.MAX_VALUE) {
      throw unreadable("has no valid \"journalLength\" (was " + declared + ")");
    }
    long length = number.longValue();
    if (length == 0) {
      Files.deleteIfExists(journal);
      journalLength = 0;
      return List.of();
    }
    byte[] bytes = new byte[(int) length];
    try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (channel.size() < length) {
        throw unreadable("records " + length + " bytes of " + journal + ", which has only " + channel.size());
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // Reads until the buffer is full; the size was checked above.
      }
      channel.truncate(length);
      channel.force(true);
    } catch (NoSuchFileException e) {
      throw unreadable("records " + length + " bytes of " + journal + ", which is missing");
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

  private void move() throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
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

  private FileAttribute<?>[] ownerOnly(boolean directory) {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))};
  }
}
