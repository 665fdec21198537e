package com.bunqconnector.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of one configuration object that report the file and the field path on every
 * mistake, and resolve {@code ${ENV_VAR}} references in string values.
 */
final class JsonFields {

  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final String file;
  private final String path;
  private final JsonObject json;
  private final Function<String, String> env;

  JsonFields(String file, String path, JsonObject json, Function<String, String> env) {
    this.file = file;
    this.path = path;
    this.json = json;
    this.env = env;
  }

  String file() {
    return file;
  }

  String fieldPath(String key) {
    String name = ConfigException.name(key);
    return path.isEmpty() ? name : path + "." + name;
  }

  ConfigException error(String key, String problem) {
    return ConfigException.field(file, fieldPath(key), problem);
  }

  /**
   * Refuses keys outside the known ones, so that a misspelt field ({@code apikey}) is an error rather
   * than a silently ignored setting.
   */
  void allowOnly(Set<String> known) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        throw error(key, "is not a known field; known here: " + new TreeSet<>(known));
      }
    }
  }

  boolean has(String key) {
    return json.containsKey(key) && json.getValue(key) != null;
  }

  String string(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object value = json.getValue(key);
    if (!(value instanceof String text)) {
      throw error(key, "must be a string, was " + describe(value));
    }
    return resolveEnv(key, text);
  }

  String requiredString(String key) {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw error(key, "is missing");
    }
    return value;
  }

  int integer(String key, int fallback, int min, int max) {
    if (!has(key)) {
      return fallback;
    }
    Object value = json.getValue(key);
    if (!(value instanceof Integer || value instanceof Long)) {
      throw error(key, "must be a whole number, was " + describe(value));
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw error(key, "must be between " + min + " and " + max + ", was " + number);
    }
    return (int) number;
  }

  boolean bool(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object value = json.getValue(key);
    if (!(value instanceof Boolean flag)) {
      throw error(key, "must be true or false, was " + describe(value));
    }
    return flag;
  }

  JsonFields object(String key) {
    if (!has(key)) {
      return new JsonFields(file, fieldPath(key), new JsonObject(), env);
    }
    Object value = json.getValue(key);
    if (!(value instanceof JsonObject object)) {
      throw error(key, "must be an object, was " + describe(value));
    }
    return new JsonFields(file, fieldPath(key), object, env);
  }

  List<JsonFields> objects(String key) {
    List<JsonFields> result = new ArrayList<>();
    JsonArray array = array(key);
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String itemPath = fieldPath(key) + "[" + i + "]";
      if (!(item instanceof JsonObject object)) {
        throw ConfigException.field(file, itemPath, "must be an object, was " + describe(item));
      }
      result.add(new JsonFields(file, itemPath, object, env));
    }
    return result;
  }

  List<String> strings(String key) {
    List<String> result = new ArrayList<>();
    JsonArray array = array(key);
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String text) || text.isBlank()) {
        throw ConfigException.field(file, fieldPath(key) + "[" + i + "]", "must be a non-empty string, was "
            + describe(item));
      }
      result.add(text);
    }
    return result;
  }

  Iterable<Map.Entry<String, Object>> entries() {
    return json;
  }

  private JsonArray array(String key) {
    if (!has(key)) {
      return new JsonArray();
    }
    Object value = json.getValue(key);
    if (!(value instanceof JsonArray array)) {
      throw error(key, "must be a list, was " + describe(value));
    }
    return array;
  }

  private String resolveEnv(String key, String text) {
    Matcher matcher = ENV_REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = env.apply(name);
      if (value == null) {
        throw error(key, "refers to environment variable " + name + ", which is not set");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    if (value instanceof String) {
      return "a string";
    }
    return value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
  }
}
