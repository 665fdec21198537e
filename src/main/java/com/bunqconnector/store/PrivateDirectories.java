package com.bunqconnector.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the directories that hold a node's state readable by their owner only ({@code rwx------})
 * where the file system has POSIX permissions: the rows name tenants, users and bunq ids even
 * though their secrets are sealed. Directories that exist already are left as they are.
 */
public final class PrivateDirectories {

  private PrivateDirectories() {
  }

  /**
   * Creates {@code dir} and any missing parents, each owner-only where supported.
   *
   * @throws IOException if a directory cannot be made
   */
  public static void create(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      return;
    }
    if (absolute.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(absolute, ownerOnly);
    } else {
      Files.createDirectories(absolute);
    }
  }
}
