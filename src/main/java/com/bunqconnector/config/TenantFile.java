package com.bunqconnector.config;

import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Turns the JSON of one tenant file into a validated {@link TenantConfig}. */
final class TenantFile {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> TENANT_FIELDS =
      Set.of("id", "environment", "baseUrl", "callbackToken", "users", "callbacks", "keyPolicy",
          "verifyCallbacks", "accountFilters");
  private static final Set<String> USER_FIELDS = Set.of("id", "apiKey", "permittedIps");
  /** Event-bus addresses the connector itself serves, such as bunq.api: never a consumer of callbacks. */
  private static final String RESERVED_ADDRESS_PREFIX = "bunq.";

  private TenantFile() {
  }

  static TenantConfig parse(String file, JsonObject json, Environment nodeEnvironment, Function<String, String> env) {
    return parse(file, json, nodeEnvironment, env, id -> null);
  }

  /**
   * Parses a tenant file; a file without a {@code callbackToken} keeps the token {@code knownToken} gives
   * for its tenant id (the one it runs with, when the file is read again), else gets a random one.
   */
  static TenantConfig parse(String file, JsonObject json, Environment nodeEnvironment, Function<String, String> env,
      Function<String, String> knownToken) {
    JsonFields root = new JsonFields(file, "", json, env);
    root.allowOnly(TENANT_FIELDS);
    String id = root.requiredString("id");
    if (!TenantConfig.isId(id)) {
      throw root.error("id", TenantConfig.ID_RULE + ", was " + ConfigException.quote(id));
    }
    Environment environment = root.has("environment")
        ? Environment.parse(file, "environment", root.string("environment", null))
        : nodeEnvironment;
    String baseUrl = root.string("baseUrl", null);
    if (baseUrl != null && !baseUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
      throw root.error("baseUrl", "must be an http(s) URL such as https://api.bunq.com/v1");
    }
    String token = root.string("callbackToken", null);
    boolean tokenFromFile = token != null;
    if (token == null) {
      String known = knownToken.apply(id);
      token = known != null ? known : HexFormat.of().formatHex(randomBytes(24));
    } else if (!token.matches("[A-Za-z0-9_-]{16,128}")) {
      throw root.error("callbackToken", "must be 16 to 128 letters, digits, '-' or '_'");
    }
    String keyPolicy = root.string("keyPolicy", TenantConfig.KEY_PER_USER);
    if (!keyPolicy.equals(TenantConfig.KEY_PER_USER) && !keyPolicy.equals(TenantConfig.KEY_PER_TENANT)) {
      throw root.error("keyPolicy", "must be \"" + TenantConfig.KEY_PER_USER + "\" (one key pair per user) or \""
          + TenantConfig.KEY_PER_TENANT + "\" (one for all users of the tenant), was "
          + ConfigException.quote(keyPolicy));
    }
    Map<String, UserConfig> users = users(root, environment);
    Map<String, List<String>> consumers = consumers(root.object("callbacks"));
    return new TenantConfig(id, file, environment, baseUrl, token, users, consumers,
        keyPolicy.equals(TenantConfig.KEY_PER_TENANT), root.bool("verifyCallbacks", false),
        root.bool("accountFilters", false), tokenFromFile);
  }

  private static Map<String, UserConfig> users(JsonFields root, Environment environment) {
    List<JsonFields> entries = root.objects("users");
    if (entries.isEmpty()) {
      throw root.error("users", "must list at least one user");
    }
    Map<String, UserConfig> users = new LinkedHashMap<>();
    for (JsonFields entry : entries) {
      entry.allowOnly(USER_FIELDS);
      String userId = entry.requiredString("id");
      if (!TenantConfig.isId(userId)) {
        throw entry.error("id", TenantConfig.ID_RULE + ", was " + ConfigException.quote(userId));
      }
      if (users.containsKey(userId)) {
        throw entry.error("id", ConfigException.quote(userId) + " is listed twice");
      }
      String apiKey = entry.string("apiKey", null);
      if (apiKey != null && apiKey.isBlank()) {
        throw entry.error("apiKey", "is empty");
      }
      if (apiKey != null && TenantConfig.hasStrayCharacters(apiKey)) {
        throw entry.error("apiKey", "has white space or control characters in it or around it (not shown)");
      }
      for (UserConfig other : users.values()) {
        if (apiKey != null && apiKey.equals(other.apiKey())) {
          throw entry.error("apiKey", "is the key of user " + ConfigException.quote(other.id()) + " too: one key is"
              + " one bunq user, whose callback filters the two would keep replacing");
        }
      }
      if (apiKey == null && !environment.createsSandboxUsers()) {
        throw entry.error("apiKey", "is required in the " + environment.id() + " environment");
      }
      List<String> permittedIps = entry.strings("permittedIps");
      for (int i = 0; i < permittedIps.size(); i++) {
        if (!TenantConfig.isPermittedIp(permittedIps.get(i))) {
          throw entry.error("permittedIps[" + i + "]", "must be an IPv4 address or *, was "
              + ConfigException.quote(permittedIps.get(i)));
        }
      }
      users.put(userId, new UserConfig(userId, apiKey, permittedIps));
    }
    return users;
  }

  private static Map<String, List<String>> consumers(JsonFields callbacks) {
    Map<String, List<String>> consumers = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : callbacks.entries()) {
      String category = entry.getKey();
      if (!TenantConfig.ANY_CATEGORY.equals(category) && !TenantConfig.CATEGORIES.contains(category)) {
        throw callbacks.error(category, "is not a bunq callback category; known: "
            + new TreeSet<>(TenantConfig.CATEGORIES) + ", or * for all");
      }
      List<String> addresses = callbacks.strings(category);
      if (addresses.isEmpty()) {
        throw callbacks.error(category, "must list at least one consumer address");
      }
      for (String address : addresses) {
        if (address.startsWith(RESERVED_ADDRESS_PREFIX)) {
          throw callbacks.error(category, ConfigException.quote(address) + " is one of the connector's own"
              + " addresses (" + RESERVED_ADDRESS_PREFIX + "*); callbacks cannot be sent there");
        }
      }
      consumers.put(category, addresses);
    }
    return consumers;
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
