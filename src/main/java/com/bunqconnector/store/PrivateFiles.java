package com.bunqconnector.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Small files of a node's state that are made once and never rewritten (a generated master key,
 * the embedded emulator's identity): written in full to a temporary file readable by its owner
 * only, forced to disk, and then linked into place, so a file that exists is complete even after a
 * crash or a power cut, and two processes that race make one file.
 */
public final class PrivateFiles {

  private PrivateFiles() {
  }

  /**
   * Makes {@code file} with {@code text} unless it exists (its directories owner-only where new).
   *
   * @return whether this call made it (false: it existed, or another process made it first)
   * @throws IOException if it cannot be made
   * @throws UnsupportedOperationException if the file system has no hard links
   */
  public static boolean createOnce(Path file, String text) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      return false;
    }
    Path dir = target.getParent();
    PrivateDirectories.create(dir);
    FileAttribute<?>[] ownerOnly = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(dir, target.getFileName().toString(), ".new", ownerOnly);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        Files.createLink(target, temporary);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      forceDirectory(dir);
      return true;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Makes the new directory entry durable where the platform lets a directory be forced. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory: the entry is then as durable as the file system makes it.
    }
  }
}
