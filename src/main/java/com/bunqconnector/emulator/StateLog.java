package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.object;

import com.bunqconnector.emulator.StateKinds.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The objects a saved state holds, per {@link StateKinds kind}: a base's sections with the journal's
 * records applied in the order written, the last record for a key winning. A record
 * {@code {"<record>": {...}}} puts an object: it replaces the one of its kind with its key, or joins
 * the kind after the others (an append-only kind's objects always join: a second one with an id is
 * damage, which {@link IssuedIds} reports). A record {@code {"delete": {"<record>": key}}} takes the
 * object with that key away. Each object remembers where it was read ({@code users[3]}, or
 * {@code emulator-journal.jsonl line 12}), for the errors that name it.
 */
final class StateLog {

  static final String DELETE = "delete";

  /** An object and where it was read. */
  record Item(String origin, JsonObject json) {
  }

  /** Per section, the objects in order; a deleted one leaves a null. */
  private final Map<String, List<Item>> sections = new LinkedHashMap<>();
  private final int records;

  private StateLog(int records) {
    this.records = records;
  }

  /**
   * Folds {@code journal} into {@code base}.
   *
   * @param baseName how errors name the base: its file name, or empty for a state file of format 1 to 3
   *     (which is its own base)
   * @throws IllegalArgumentException naming the section and index, or the journal line, and what is wrong
   */
  static StateLog fold(JsonObject base, String baseName, List<JsonObject> journal) {
    StateLog log = new StateLog(journal.size());
    Map<String, Map<Object, Integer>> positions = new HashMap<>();
    String prefix = baseName.isEmpty() ? "" : baseName + " ";
    for (Kind kind : StateKinds.ALL) {
      List<Item> items = new ArrayList<>();
      Map<Object, Integer> keyed = new HashMap<>();
      Object section = base.getValue(kind.section());
      if (section != null || kind.inEveryFile()) {
        if (!(section instanceof JsonArray array)) {
          throw new IllegalArgumentException(prefix + "\"" + kind.section() + "\" must be an array");
        }
        for (int i = 0; i < array.size(); i++) {
          String origin = prefix + kind.section() + "[" + i + "]";
          if (!(array.getValue(i) instanceof JsonObject json)) {
            throw new IllegalArgumentException(origin + ": is not an object");
          }
          if (!kind.appendOnly()) {
            keyed.putIfAbsent(key(kind, json, origin), items.size());
          }
          items.add(new Item(origin, json));
        }
      }
      log.sections.put(kind.section(), items);
      positions.put(kind.section(), keyed);
    }
    for (int i = 0; i < journal.size(); i++) {
      log.apply(journal.get(i), StateFile.JOURNAL_NAME + " line " + (i + 1), positions);
    }
    return log;
  }

  private void apply(JsonObject entry, String origin, Map<String, Map<Object, Integer>> positions) {
    String name = entry.size() == 1 ? entry.fieldNames().iterator().next() : null;
    Kind kind = name == null ? null : StateKinds.byRecord(DELETE.equals(name) ? only(entry, origin) : name)
        .orElse(null);
    if (kind == null) {
      throw new IllegalArgumentException(origin + ": must hold one object of a kind the emulator saves ("
          + StateKinds.ALL.stream().map(Kind::record).toList() + ") or a \"" + DELETE + "\"");
    }
    List<Item> items = sections.get(kind.section());
    Map<Object, Integer> keyed = positions.get(kind.section());
    if (DELETE.equals(name)) {
      Integer at = kind.appendOnly() ? null : keyed.remove(key(kind, object(entry, DELETE), kind.record(), origin));
      if (at == null) {
        throw new IllegalArgumentException(origin + ": deletes an object that is not there (of kind "
            + kind.record() + ")");
      }
      items.set(at, null);
      return;
    }
    JsonObject json;
    try {
      json = object(entry, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
    Item item = new Item(origin, json);
    Integer at = kind.appendOnly() ? null : keyed.get(key(kind, json, origin));
    if (at == null) {
      if (!kind.appendOnly()) {
        keyed.put(key(kind, json, origin), items.size());
      }
      items.add(item);
    } else {
      items.set(at, item);
    }
  }

  /** The field name a delete record holds (it names the kind). */
  private static String only(JsonObject entry, String origin) {
    if (!(entry.getValue(DELETE) instanceof JsonObject deleted) || deleted.size() != 1) {
      throw new IllegalArgumentException(origin + ": \"" + DELETE + "\" must hold one field: a kind and a key");
    }
    return deleted.fieldNames().iterator().next();
  }

  /** The objects of {@code kind} as the journal left them, in order. */
  List<Item> items(Kind kind) {
    return sections.get(kind.section()).stream().filter(Objects::nonNull).toList();
  }

  /** How many records the journal held. */
  int records() {
    return records;
  }

  /** The key of an object of {@code kind}: its key field, a whole number (as a Long) or a string. */
  static Object key(Kind kind, JsonObject json, String origin) {
    return key(kind, json, kind.key(), origin);
  }

  private static Object key(Kind kind, JsonObject json, String field, String origin) {
    Object value = json.getValue(field);
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.longValue();
    }
    if (value instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException(origin + ": \"" + field + "\" must be the " + kind.record()
        + "'s key, a whole number or a string");
  }
}
