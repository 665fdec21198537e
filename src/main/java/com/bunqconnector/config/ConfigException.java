package com.bunqconnector.config;

/**
 * A configuration file that cannot be used. The message names the file and the field, for
 * example {@code conf/tenants/acme.json: users[1].id: is missing}.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  static ConfigException field(String file, String field, String problem) {
    return new ConfigException(file + ": " + field + ": " + problem);
  }
}
