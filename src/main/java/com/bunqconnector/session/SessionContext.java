package com.bunqconnector.session;

import com.bunqconnector.crypto.RsaKeys;
import io.vertx.core.json.JsonObject;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * One user's bunq API context: the client key pair, the installation, the registered device,
 * the session and the bunq user it belongs to. Stored in the {@code bunq.sessions} map as JSON.
 *
 * <p>The client key is kept in the compact form of {@link RsaKeys#privateKeyToText} (its public
 * half follows from it and is not kept), so that an idle context costs under 2 KB of heap; contexts
 * stored earlier with PKCS#8 PEM and a {@code clientPublicKey} still read.
 *
 * <p>Immutable. The parsed keys are cached on first use, so share one instance per read.
 */
public final class SessionContext {

  /** Field of the client public key PEM in contexts stored before it was derived from the private key. */
  private static final String LEGACY_CLIENT_PUBLIC_KEY = "clientPublicKey";

  private final JsonObject json;
  private volatile PrivateKey clientPrivateKey;
  private volatile PublicKey serverPublicKey;

  private SessionContext(JsonObject json) {
    this.json = json;
  }

  /** The map key of a user's context: {@code tenant/user}. */
  public static String key(String tenant, String user) {
    return tenant + "/" + user;
  }

  /** Wraps a context read from the map; a {@code clientPublicKey} stored by earlier versions is dropped. */
  public static SessionContext fromJson(JsonObject json) {
    for (String field : new String[] {"tenant", "user", "baseUrl", "clientPrivateKey", "installationToken",
        "serverPublicKey", "sessionToken", "bunqUserId"}) {
      if (json.getValue(field) == null) {
        throw new IllegalArgumentException("session context lacks field " + field);
      }
    }
    JsonObject copy = json.copy();
    copy.remove(LEGACY_CLIENT_PUBLIC_KEY);
    return new SessionContext(copy);
  }

  /** Starts a context for a user. */
  public static Builder builder(UserSpec spec) {
    return new Builder(spec);
  }

  /** A copy of the JSON form, as stored in the map. It holds secrets: never log it. */
  public JsonObject toJson() {
    return json.copy();
  }

  public String key() {
    return key(tenant(), user());
  }

  public String tenant() {
    return json.getString("tenant");
  }

  public String user() {
    return json.getString("user");
  }

  /** A string field of the stored form, without copying it; {@code null} when absent. */
  String field(String name) {
    return json.getString(name);
  }

  public String baseUrl() {
    return json.getString("baseUrl");
  }

  /** The API key the context was opened with (it may have come from a new sandbox user). */
  public String apiKey() {
    return json.getString("apiKey");
  }

  public long installationId() {
    return json.getLong("installationId", 0L);
  }

  public String installationToken() {
    return json.getString("installationToken");
  }

  public long deviceId() {
    return json.getLong("deviceId", 0L);
  }

  public long sessionId() {
    return json.getLong("sessionId", 0L);
  }

  public String sessionToken() {
    return json.getString("sessionToken");
  }

  /** The session timeout bunq reported for the user, in seconds. */
  public long sessionTimeoutSeconds() {
    return json.getLong("sessionTimeout", 0L);
  }

  /** When the session expires by the local clock, in epoch milliseconds. */
  public long expiresAt() {
    return json.getLong("expiresAt", 0L);
  }

  /** The bunq user id to use in {@code /user/{userID}} paths. */
  public long bunqUserId() {
    return json.getLong("bunqUserId");
  }

  /** The wrapper type bunq returned for the session user, such as {@code UserPerson}. */
  public String userKind() {
    return json.getString("userKind");
  }

  public PrivateKey clientPrivateKey() {
    PrivateKey key = clientPrivateKey;
    if (key == null) {
      key = RsaKeys.privateKeyFromText(json.getString("clientPrivateKey"));
      clientPrivateKey = key;
    }
    return key;
  }

  public PublicKey serverPublicKey() {
    PublicKey key = serverPublicKey;
    if (key == null) {
      key = RsaKeys.publicKeyFromPem(json.getString("serverPublicKey"));
      serverPublicKey = key;
    }
    return key;
  }

  /** The same installation and device with another session (and the session's user, as bunq reported it). */
  public SessionContext withSession(long sessionId, String token, long timeoutSeconds, long createdAtMillis,
      long bunqUserId, String userKind) {
    JsonObject renewed = json.copy()
        .put("sessionId", sessionId).put("sessionToken", token).put("sessionTimeout", timeoutSeconds)
        .put("sessionCreatedAt", createdAtMillis).put("expiresAt", createdAtMillis + timeoutSeconds * 1000)
        .put("bunqUserId", bunqUserId).put("userKind", userKind);
    return new SessionContext(renewed);
  }

  /** A printable form with ids only, never keys or tokens. */
  @Override
  public String toString() {
    return "SessionContext[" + key() + ", bunqUser=" + json.getValue("bunqUserId") + " (" + userKind()
        + "), installation=" + installationId() + ", device=" + deviceId() + ", session=" + sessionId() + "]";
  }

  /** Collects the parts of a context as the creation flow learns them. */
  public static final class Builder {
    private final JsonObject json = new JsonObject();

    private Builder(UserSpec spec) {
      json.put("tenant", spec.tenant()).put("user", spec.user()).put("baseUrl", spec.baseUrl());
    }

    public Builder apiKey(String apiKey) {
      json.put("apiKey", apiKey);
      return this;
    }

    /** The client key pair; only the private key is kept, as the public key follows from it. */
    public Builder clientKeys(PrivateKey privateKey, PublicKey publicKey) {
      json.put("clientPrivateKey", RsaKeys.privateKeyToText(privateKey));
      return this;
    }

    public Builder installation(long id, String token, String serverPublicKeyPem) {
      json.put("installationId", id).put("installationToken", token).put("serverPublicKey", serverPublicKeyPem);
      return this;
    }

    public Builder device(long id) {
      json.put("deviceId", id);
      return this;
    }

    public Builder session(long id, String token, long timeoutSeconds, long createdAtMillis) {
      json.put("sessionId", id).put("sessionToken", token).put("sessionTimeout", timeoutSeconds)
          .put("sessionCreatedAt", createdAtMillis).put("expiresAt", createdAtMillis + timeoutSeconds * 1000);
      return this;
    }

    public Builder bunqUser(long id, String kind) {
      json.put("bunqUserId", id).put("userKind", kind);
      return this;
    }

    public SessionContext build() {
      return fromJson(json);
    }
  }
}
