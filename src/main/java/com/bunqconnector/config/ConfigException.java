package com.bunqconnector.config;

import java.util.regex.Pattern;

/**
 * A configuration file that cannot be used. The message names the file and the field, for
 * example {@code conf/tenants/acme.json: users[1].id: is missing}.
 */
public final class ConfigException extends RuntimeException {

  /** The longest value a message shows in full. */
  private static final int SHOWN_IN_FULL = 24;
  /** What looks like a bunq API key or another secret: never shown in full, however short. */
  private static final Pattern KEY_LIKE = Pattern.compile("(?i).*(sandbox_|[0-9a-f]{32}).*");

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  static ConfigException field(String file, String field, String problem) {
    return new ConfigException(file + ": " + field + ": " + problem);
  }

  /**
   * A value read from a configuration file, quoted as a message shows it: in full when short, else
   * only its first 4 characters and its length, so that an API key put in the wrong field is not logged.
   */
  public static String quote(Object value) {
    String text = String.valueOf(value);
    return shown(text) ? "'" + text + "'" : "'" + text.substring(0, 4) + "...' (" + text.length() + " characters)";
  }

  /** A field name read from a configuration file, as a field path shows it: shortened like {@link #quote}. */
  static String name(String key) {
    return shown(key) ? key : key.substring(0, 4) + "...(" + key.length() + " characters)";
  }

  private static boolean shown(String text) {
    return text.length() <= SHOWN_IN_FULL && !KEY_LIKE.matcher(text).matches();
  }
}
