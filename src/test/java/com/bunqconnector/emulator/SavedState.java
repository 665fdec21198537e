package com.bunqconnector.emulator;

import com.bunqconnector.emulator.StateKinds.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable emulator's data directory as tests look at it: read as a start would read it (without
 * taking the lock, so also while the emulator runs), rewritten in the layout of another format
 * version, as an emulator of that version would have left it, and sealed again after a test changed
 * its files by hand.
 */
final class SavedState {

  private SavedState() {
  }

  /** The state file's counters and, per section, the objects the base and journal hold together. */
  static JsonObject read(Path dir) throws IOException {
    JsonObject head = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
    JsonObject base = head.getInteger("version") >= StateFile.BASE_VERSION
        ? new JsonObject(Files.readString(dir.resolve(StateFile.baseName(head.getLong("generation"))))) : head;
    StateLog log = StateLog.fold(base, "", journal(dir));
    JsonObject sections = new JsonObject().put("lastId", head.getLong("lastId"))
        .put("lastAccountNumber", head.getLong("lastAccountNumber"));
    for (Kind kind : StateKinds.ALL) {
      sections.put(kind.section(), new JsonArray(log.items(kind).stream().map(StateLog.Item::json).toList()));
    }
    return sections;
  }

  /** The journal records the state file vouches for. */
  static List<JsonObject> journal(Path dir) throws IOException {
    JsonObject head = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
    int length = head.getInteger("journalLength");
    if (length == 0) {
      return List.of();
    }
    byte[] bytes = Arrays.copyOf(Files.readAllBytes(dir.resolve(StateFile.JOURNAL_NAME)), length);
    return new String(bytes, StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
  }

  /**
   * Rewrites the directory's state in the layout of format {@code version}: 4 and 5 compacted (one base
   * with everything, an empty journal; 5 with the digests of both); 3 and 2 a state file with the
   * changing objects and a journal with the append-only ones; 1 as 3 but with installations and ended
   * sessions in the state file.
   * (Version 2 lacked some sections of 3; a state without such objects reads the same.)
   */
  static void rewrite(Path dir, int version) throws IOException {
    JsonObject sections = read(dir);
    JsonObject head = new JsonObject().put("format", StateFile.FORMAT).put("version", version)
        .put("savedAt", "2026-01-01T00:00:00Z").put("lastId", sections.getLong("lastId"))
        .put("lastAccountNumber", sections.getLong("lastAccountNumber"));
    deleteBases(dir);
    Files.deleteIfExists(dir.resolve(StateFile.JOURNAL_NAME));
    if (version >= StateFile.BASE_VERSION) {
      JsonObject base = new JsonObject().put("format", StateFile.FORMAT).put("version", version).put("generation", 1);
      StateKinds.ALL.forEach(kind -> base.put(kind.section(), sections.getJsonArray(kind.section())));
      Files.writeString(dir.resolve(StateFile.baseName(1)), base.encode());
      Files.writeString(dir.resolve(StateFile.FILE_NAME), head.put("generation", 1).put("journalLength", 0).encode());
      reseal(dir);
      return;
    }
    StringBuilder journal = new StringBuilder();
    for (Kind kind : StateKinds.ALL) {
      JsonArray objects = sections.getJsonArray(kind.section());
      boolean inJournal = kind.appendOnly() && (version > 1 || !List.of("installations", "endedSessions")
          .contains(kind.section()));
      if (inJournal) {
        objects.forEach(o -> journal.append(new JsonObject().put(kind.record(), o).encode()).append('\n'));
      } else {
        head.put(kind.section(), objects);
      }
    }
    Files.writeString(dir.resolve(StateFile.JOURNAL_NAME), journal);
    Files.writeString(dir.resolve(StateFile.FILE_NAME),
        head.put("journalLength", journal.toString().getBytes(StandardCharsets.UTF_8).length).encode());
  }

  /**
   * Makes a state file of format 5 or later record the digests of its base and journal as they are now,
   * as the emulator would have after writing them: for a test that changes them by hand and wants the
   * start to check what it changed, not refuse it as damaged.
   */
  static void reseal(Path dir) throws IOException {
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject head = new JsonObject(Files.readString(file));
    if (head.getInteger("version") < StateFile.DIGEST_VERSION) {
      return;
    }
    byte[] base = Files.readAllBytes(dir.resolve(StateFile.baseName(head.getLong("generation"))));
    int length = head.getInteger("journalLength");
    byte[] journal = length == 0 ? new byte[0]
        : Arrays.copyOf(Files.readAllBytes(dir.resolve(StateFile.JOURNAL_NAME)), length);
    Files.writeString(file, head.put(StateDigests.BASE, sha256(base)).put(StateDigests.JOURNAL, sha256(journal))
        .encode());
  }

  /** The SHA-256 of {@code bytes} in lowercase hex, as a state file records it. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base files (and temporary ones) in the directory, by name. */
  static List<String> bases(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(StateFile.BASE_PREFIX)).sorted()
          .toList();
    }
  }

  private static void deleteBases(Path dir) throws IOException {
    for (String base : bases(dir)) {
      Files.delete(dir.resolve(base));
    }
  }

  /** Copies the files of {@code from} (not the lock) into a fresh {@code to}. */
  static Path copy(Path from, Path to) {
    try {
      if (Files.exists(to)) {
        try (Stream<Path> old = Files.list(to)) {
          for (Path file : old.toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(to);
      try (Stream<Path> files = Files.list(from)) {
        for (Path file : files.toList()) {
          if (!file.getFileName().toString().equals(StateFile.LOCK_NAME)) {
            Files.copy(file, to.resolve(file.getFileName()));
          }
        }
      }
      return to;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
