package com.bunqconnector.emulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The users and OAuth clients an emulator creates when it starts, so that a team can work with
 * fixed API keys and client credentials. Immutable; read from JSON of this shape (also the seed
 * file format):
 *
 * <pre>
 * {"users": [{"kind": "person" | "company" | "psp", "apiKey": "sandbox_" + 56 hex, "displayName": "...",
 *             "balance": "250.00", "sessionTimeoutSeconds": 3600}, ...],
 *  "oauthClients": [{"clientId": "...", "clientSecret": "...", "redirectUris": ["https://..."],
 *                    "owner": 0 | "display name of a seeded user"}]}
 * </pre>
 *
 * <p>Only {@code kind} (users) and {@code redirectUris} and {@code owner} (clients) are required;
 * what is left out is generated (API keys, names, client credentials) or taken from the emulator's
 * options (balance, session timeout). Unknown fields are mistakes.
 */
public final class EmulatorSeed {

  /** No users, no clients. */
  public static final EmulatorSeed EMPTY = new EmulatorSeed(List.of(), List.of());

  private static final Set<String> TOP_FIELDS = Set.of("users", "oauthClients");

  private final List<SeedUser> users;
  private final List<SeedOauthClient> oauthClients;

  /**
   * A seed from its parts.
   *
   * @throws IllegalArgumentException if API keys or client ids repeat, or an owner index is out of range
   */
  public EmulatorSeed(List<SeedUser> users, List<SeedOauthClient> oauthClients) {
    this.users = List.copyOf(users);
    this.oauthClients = List.copyOf(oauthClients);
    SeedChecks.crossCheck(this.users, this.oauthClients);
  }

  /**
   * A seed from JSON of the documented shape.
   *
   * @throws IllegalArgumentException naming the field, e.g. {@code users[1].apiKey: must be ...}
   */
  public EmulatorSeed(JsonObject json) {
    this(parseUsers(json), parseClients(json));
  }

  /**
   * Reads a seed file. Blocking: call it from {@code main} or a worker, never from an event loop.
   *
   * @throws IllegalArgumentException naming the file and the field when the file is unreadable or wrong
   */
  public static EmulatorSeed read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(file + ": is not a JSON object: " + e.getMessage(), e);
    }
    try {
      return new EmulatorSeed(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The users, in the order they are created (and numbered for {@code owner}). */
  public List<SeedUser> users() {
    return users;
  }

  /** The OAuth clients, registered after every user exists. */
  public List<SeedOauthClient> oauthClients() {
    return oauthClients;
  }

  /** Whether there is nothing to seed. */
  public boolean isEmpty() {
    return users.isEmpty() && oauthClients.isEmpty();
  }

  /** This seed with {@code count} generated UserPerson users added after its own users. */
  public EmulatorSeed withGeneratedPersons(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("the number of generated users must be >= 0, was " + count);
    }
    List<SeedUser> all = new ArrayList<>(users);
    all.addAll(Collections.nCopies(count, SeedUser.person()));
    return new EmulatorSeed(all, oauthClients);
  }

  /** This seed as JSON, readable by {@link #EmulatorSeed(JsonObject)}; owners are written as indexes. */
  public JsonObject toJson() {
    JsonArray userArray = new JsonArray();
    users.forEach(u -> userArray.add(u.toJson()));
    JsonArray clientArray = new JsonArray();
    oauthClients.forEach(c -> clientArray.add(c.toJson()));
    return new JsonObject().put("users", userArray).put("oauthClients", clientArray);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EmulatorSeed seed && seed.users.equals(users) && seed.oauthClients.equals(oauthClients);
  }

  @Override
  public int hashCode() {
    return users.hashCode() * 31 + oauthClients.hashCode();
  }

  /**
   * One user to create. {@code kind} is {@code person}, {@code company} or {@code psp}; the other
   * fields may be null: a fresh API key, a generated name, the options' initial balance and
   * session timeout. A {@code psp} user has no monetary account, hence no balance.
   */
  public record SeedUser(String kind, String apiKey, String displayName, String balance,
      Integer sessionTimeoutSeconds) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field, e.g. {@code apiKey: must be ...}
     */
    public SeedUser {
      SeedChecks.user(kind, apiKey, displayName, balance, sessionTimeoutSeconds);
    }

    /** A generated UserPerson with every default. */
    public static SeedUser person() {
      return new SeedUser("person", null, null, null, null);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("kind", kind);
      putIfSet(json, "apiKey", apiKey);
      putIfSet(json, "displayName", displayName);
      putIfSet(json, "balance", balance);
      putIfSet(json, "sessionTimeoutSeconds", sessionTimeoutSeconds);
      return json;
    }
  }

  /**
   * One OAuth client to register for the user at index {@code owner} of the seed's users.
   * {@code clientId} and {@code clientSecret} may be null (then generated, 64 hex characters);
   * {@code redirectUris} are absolute http(s) URIs, at least one.
   */
  public record SeedOauthClient(String clientId, String clientSecret, List<String> redirectUris, int owner) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field
     */
    public SeedOauthClient {
      redirectUris = redirectUris == null ? null : List.copyOf(redirectUris);
      SeedChecks.client(clientId, clientSecret, redirectUris, owner);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject();
      putIfSet(json, "clientId", clientId);
      putIfSet(json, "clientSecret", clientSecret);
      return json.put("redirectUris", new JsonArray(redirectUris)).put("owner", owner);
    }
  }

  private static List<SeedUser> parseUsers(JsonObject json) {
    SeedChecks.knownFields(json, TOP_FIELDS, "");
    JsonArray array = SeedChecks.array(json, "users", "users");
    List<SeedUser> parsed = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      parsed.add(SeedChecks.parseUser(array.getValue(i), "users[" + i + "]"));
    }
    return parsed;
  }

  private static List<SeedOauthClient> parseClients(JsonObject json) {
    List<SeedUser> users = parseUsers(json);
    JsonArray array = SeedChecks.array(json, "oauthClients", "oauthClients");
    List<SeedOauthClient> parsed = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      parsed.add(SeedChecks.parseClient(array.getValue(i), "oauthClients[" + i + "]", users));
    }
    return parsed;
  }

  private static void putIfSet(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
