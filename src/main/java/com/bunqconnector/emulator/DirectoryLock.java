package com.bunqconnector.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * One emulator per data directory: a lock on a file in it ({@code emulator-state.lock}), held from the
 * start until the emulator closes, for two writers would overwrite each other's state. The lock is on
 * the file, so a lock file deleted or replaced while the emulator runs would let a second one in:
 * {@link #check()} notices and refuses the next write.
 *
 * <p>Blocking, and not thread-safe: used by {@link StateFile} on its thread.
 */
final class DirectoryLock {

  private final Path dir;
  private final Path file;
  private FileChannel channel;
  /** The lock file's identity when it was locked. */
  private Object identity;

  DirectoryLock(Path dir, Path file) {
    this.dir = dir;
    this.file = file;
  }

  /**
   * Takes the lock.
   *
   * @throws IllegalStateException naming the directory when another emulator holds it
   */
  void take() throws IOException {
    FileChannel opened = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        StateFile.ownerOnly(dir, false));
    FileLock lock;
    try {
      lock = opened.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      opened.close();
      throw new IllegalStateException("Emulator data directory " + dir + " is in use by another emulator");
    }
    channel = opened;
    identity = identity();
  }

  /**
   * Refuses to write once the lock file was deleted or replaced: another emulator could then take the
   * directory (its lock is on the new file), and two writers corrupt the journal.
   */
  void check() {
    Object now = identity();
    if (now == null || !now.equals(identity)) {
      throw new IllegalStateException("the lock file " + file + " was removed or replaced while this emulator ran,"
          + " so another one may be writing " + dir + ": this one writes no more");
    }
  }

  /** Releases the lock; safe to call more than once, or without a lock. */
  void release() {
    try {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("releasing the lock of " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** The identity (device and inode, where the platform has them) of the lock file now; null if it is gone. */
  private Object identity() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
