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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The emulator's state file, {@code emulator-state.json} in the data directory, read and written
 * whole. A write goes to {@code emulator-state.json.tmp} (owner-only where the file system has POSIX
 * permissions), is forced to disk, renamed over the old file atomically and the directory is forced
 * too, so a crash at any moment leaves the old or the new state, never part of one. A leftover
 * temporary file is a write that never completed: it is deleted at start.
 *
 * <p>Blocking: call only from a worker thread or at start-up off the event loop.
 */
final class StateFile {

  static final String FILE_NAME = "emulator-state.json";
  static final String FORMAT = "bunq-emulator-state";
  /** The format version written; files of a newer version are refused. */
  static final int VERSION = 1;
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Set<StandardOpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

  static final String LOCK_NAME = "emulator-state.lock";

  private final Path dir;
  private final Path file;
  private final Path temp;
  private FileChannel lockChannel;

  StateFile(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE_NAME);
    this.temp = dir.resolve(FILE_NAME + TEMP_SUFFIX);
  }

  Path path() {
    return file;
  }

  /**
   * Creates the directory if needed (owner-only), takes its lock (held until {@link #close()}), drops
   * an unfinished write and reads the state.
   *
   * @return the saved state, empty for a directory without one
   * @throws IllegalStateException naming the file and what is wrong when it cannot be read, is not
   *     JSON, is not an emulator state file or was written by a newer version, or naming the
   *     directory when another emulator uses it
   */
  Optional<JsonObject> load() {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, ownerOnly(true));
      }
      lock();
      // A temporary file is a write that never reached its rename: the state file holds the last complete state.
      Files.deleteIfExists(temp);
      return read();
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

  /** Replaces the state file with {@code bytes}, atomically and durably. */
  void write(Buffer bytes) {
    try {
      Files.deleteIfExists(temp);
      try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, ownerOnly(false))) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes.getBytes());
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      move();
      forceDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed: " + e.getMessage(), e);
    }
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
