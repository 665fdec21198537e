package com.bunqconnector.emulator;

import com.bunqconnector.emulator.EmulatorSeed.SeedOauthClient;
import com.bunqconnector.emulator.EmulatorSeed.SeedUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validation of {@link EmulatorSeed} contents. Every failure is an {@link IllegalArgumentException}
 * whose message starts with the field's path ({@code users[1].apiKey: ...}).
 */
final class SeedChecks {

  /** The shape of a sandbox API key: {@code sandbox_} and 56 lowercase hex characters. */
  static final Pattern API_KEY = Pattern.compile("sandbox_[0-9a-f]{56}");
  private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");
  private static final Pattern CLIENT_CREDENTIAL = Pattern.compile("[\\x21-\\x7e]{1,200}");
  private static final Set<String> KINDS = Set.of("person", "company", "psp");
  private static final Set<String> USER_FIELDS =
      Set.of("kind", "apiKey", "displayName", "balance", "sessionTimeoutSeconds");
  private static final Set<String> CLIENT_FIELDS = Set.of("clientId", "clientSecret", "redirectUris", "owner");
  private static final int MAX_NAME_LENGTH = 100;

  private SeedChecks() {
  }

  static void user(String kind, String apiKey, String displayName, String balance, Integer timeout) {
    if (kind == null || !KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind: must be one of person, company, psp, was " + quoted(kind));
    }
    if (apiKey != null && !API_KEY.matcher(apiKey).matches()) {
      throw new IllegalArgumentException("apiKey: must be \"sandbox_\" followed by 56 lowercase hex characters");
    }
    if (displayName != null && (displayName.isBlank() || displayName.length() > MAX_NAME_LENGTH
        || !displayName.strip().equals(displayName))) {
      throw new IllegalArgumentException("displayName: must be 1 to " + MAX_NAME_LENGTH
          + " characters without leading or trailing spaces, was " + quoted(displayName));
    }
    if (balance != null) {
      if ("psp".equals(kind)) {
        throw new IllegalArgumentException("balance: a psp user has no monetary account, so no balance");
      }
      if (!AMOUNT.matcher(balance).matches()) {
        throw new IllegalArgumentException("balance: must be a non-negative amount with at most 2 decimals, was "
            + quoted(balance));
      }
    }
    if (timeout != null && timeout < 1) {
      throw new IllegalArgumentException("sessionTimeoutSeconds: must be >= 1, was " + timeout);
    }
  }

  static void client(String clientId, String secret, List<String> redirectUris, int owner) {
    credential("clientId", clientId);
    credential("clientSecret", secret);
    if (redirectUris == null || redirectUris.isEmpty()) {
      throw new IllegalArgumentException("redirectUris: must list at least one URI");
    }
    for (int i = 0; i < redirectUris.size(); i++) {
      if (!isRedirectUri(redirectUris.get(i))) {
        throw new IllegalArgumentException("redirectUris[" + i + "]: must be an absolute http(s) URI without"
            + " fragment, was " + quoted(redirectUris.get(i)));
      }
    }
    if (owner < 0) {
      throw new IllegalArgumentException("owner: must be the index of a seeded user, was " + owner);
    }
  }

  /** Checks what spans entries: unique API keys and client ids, owners in range, one client per owner. */
  static void crossCheck(List<SeedUser> users, List<SeedOauthClient> clients) {
    Map<String, Integer> keys = new HashMap<>();
    for (int i = 0; i < users.size(); i++) {
      String key = users.get(i).apiKey();
      Integer earlier = key == null ? null : keys.putIfAbsent(key, i);
      if (earlier != null) {
        throw new IllegalArgumentException("users[" + i + "].apiKey: is the same as users[" + earlier + "].apiKey");
      }
    }
    Map<String, Integer> ids = new HashMap<>();
    Map<Integer, Integer> owners = new HashMap<>();
    for (int i = 0; i < clients.size(); i++) {
      SeedOauthClient client = clients.get(i);
      String where = "oauthClients[" + i + "]";
      Integer earlier = client.clientId() == null ? null : ids.putIfAbsent(client.clientId(), i);
      if (earlier != null) {
        throw new IllegalArgumentException(where + ".clientId: is the same as oauthClients[" + earlier + "].clientId");
      }
      if (client.owner() >= users.size()) {
        throw new IllegalArgumentException(where + ".owner: there is no users[" + client.owner() + "] ("
            + users.size() + " users are seeded)");
      }
      Integer other = owners.putIfAbsent(client.owner(), i);
      if (other != null) {
        throw new IllegalArgumentException(where + ".owner: users[" + client.owner() + "] already owns oauthClients["
            + other + "]; bunq allows one OAuth client per user");
      }
    }
  }

  static SeedUser parseUser(Object item, String where) {
    JsonObject json = object(item, where);
    knownFields(json, USER_FIELDS, where + ".");
    String kind = string(json, "kind", where);
    String apiKey = string(json, "apiKey", where);
    String displayName = string(json, "displayName", where);
    String balance = amount(json, where);
    Integer timeout = integer(json, "sessionTimeoutSeconds", where);
    try {
      return new SeedUser(kind, apiKey, displayName, balance, timeout);
    } catch (IllegalArgumentException e) {
      throw prefixed(where, e);
    }
  }

  static SeedOauthClient parseClient(Object item, String where, List<SeedUser> users) {
    JsonObject json = object(item, where);
    knownFields(json, CLIENT_FIELDS, where + ".");
    JsonArray uris = array(json, "redirectUris", where + ".redirectUris");
    List<String> redirectUris = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      if (!(uris.getValue(i) instanceof String uri)) {
        throw new IllegalArgumentException(where + ".redirectUris[" + i + "]: must be a string");
      }
      redirectUris.add(uri);
    }
    int owner = owner(json.getValue("owner"), where + ".owner", users);
    String clientId = string(json, "clientId", where);
    String secret = string(json, "clientSecret", where);
    try {
      return new SeedOauthClient(clientId, secret, redirectUris, owner);
    } catch (IllegalArgumentException e) {
      throw prefixed(where, e);
    }
  }

  static void knownFields(JsonObject json, Set<String> known, String prefix) {
    for (String field : json.fieldNames()) {
      if (!known.contains(field)) {
        throw new IllegalArgumentException(prefix + field + ": is not a known field; known here: "
            + new TreeSet<>(known));
      }
    }
  }

  /** An optional array field: empty when absent. */
  static JsonArray array(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(where + ": must be an array");
    }
    return array;
  }

  /** An owner given as a user index or as the display name of exactly one seeded user. */
  private static int owner(Object value, String where, List<SeedUser> users) {
    if (value instanceof Integer index) {
      return index;
    }
    if (value instanceof String name) {
      List<Integer> matches = new ArrayList<>();
      for (int i = 0; i < users.size(); i++) {
        if (name.equals(users.get(i).displayName())) {
          matches.add(i);
        }
      }
      if (matches.size() == 1) {
        return matches.get(0);
      }
      throw new IllegalArgumentException(where + ": " + (matches.isEmpty()
          ? "no seeded user has displayName " + quoted(name)
          : "users " + matches + " all have displayName " + quoted(name) + "; give an index"));
    }
    throw new IllegalArgumentException(where + ": is required: the index of a seeded user or its displayName");
  }

  private static void credential(String field, String value) {
    if (value != null && !CLIENT_CREDENTIAL.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": must be 1 to 200 visible ASCII characters without spaces");
    }
  }

  /** Whether the text is an absolute http(s) URI with a host and no fragment, as OAuth redirect URIs must be. */
  static boolean isRedirectUri(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
          && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static JsonObject object(Object item, String where) {
    if (!(item instanceof JsonObject json)) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    return json;
  }

  private static String string(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(where + "." + field + ": must be a string");
    }
    return (String) value;
  }

  private static Integer integer(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof Integer)) {
      throw new IllegalArgumentException(where + "." + field + ": must be a whole number from 1 to "
          + Integer.MAX_VALUE);
    }
    return (Integer) value;
  }

  /** A balance given as a string ({@code "250.00"}, as bunq writes amounts) or as a plain JSON number. */
  private static String amount(JsonObject json, String where) {
    Object value = json.getValue("balance");
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof Number number) {
      return new BigDecimal(number.toString()).toPlainString();
    }
    throw new IllegalArgumentException(where + ".balance: must be an amount such as \"250.00\"");
  }

  private static IllegalArgumentException prefixed(String where, IllegalArgumentException e) {
    return new IllegalArgumentException(where + "." + e.getMessage(), e);
  }

  private static String quoted(String text) {
    return text == null ? "nothing" : "\"" + text + "\"";
  }
}
