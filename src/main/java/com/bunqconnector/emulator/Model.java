package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The emulator's in-memory entities. Mutable ones are touched only on the emulator's context. */
final class Model {

  private Model() {
  }

  /** The kinds of bunq user the emulator holds, with their seed-file name and their bunq wrapper type. */
  enum Kind {
    PERSON("person", "UserPerson"),
    COMPANY("company", "UserCompany"),
    PSP("psp", "UserPaymentServiceProvider");

    final String seedName;
    final String wrapper;

    Kind(String seedName, String wrapper) {
      this.seedName = seedName;
      this.wrapper = wrapper;
    }

    static Kind fromSeedName(String name) {
      for (Kind kind : values()) {
        if (kind.seedName.equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown user kind " + name);
    }
  }

  /**
   * A user of any {@link Kind} and the API key bound to it. {@code name} is the display name; a
   * person's first name is its first word, a company's or provider's "first name" its whole name.
   */
  record User(long id, Instant created, String publicUuid, Kind kind, String name, String email, String phone,
      String apiKey, int sessionTimeoutSeconds) {

    String displayName() {
      return name;
    }

    String firstName() {
      int space = name.indexOf(' ');
      return kind != Kind.PERSON || space < 0 ? name : name.substring(0, space);
    }

    String lastName() {
      int space = name.indexOf(' ');
      return kind != Kind.PERSON || space < 0 ? "" : name.substring(space + 1);
    }

    /** Ids only, no API key: safe to log. */
    @Override
    public String toString() {
      return "User[" + id + ", " + kind.wrapper + "]";
    }
  }

  /**
   * A MonetaryAccountBank. Identity, IBAN and owner are fixed; balance, the owner's settings and the
   * status change (every change also moves {@code updated}).
   */
  static final class Account {
    /** bunq's description of an account created without one. */
    static final String DEFAULT_DESCRIPTION = "bunq account";
    /** bunq's default daily spending limit, EUR. */
    static final BigDecimal DEFAULT_DAILY_LIMIT = new BigDecimal("1000.00");
    /** How far below zero an account may go: not at all (the emulator grants no overdrafts). */
    static final BigDecimal OVERDRAFT_LIMIT = new BigDecimal("0.00");

    final long id;
    final Instant created;
    final String publicUuid;
    final String iban;
    final User owner;
    Instant updated;
    BigDecimal balance;
    String description = DEFAULT_DESCRIPTION;
    BigDecimal dailyLimit = DEFAULT_DAILY_LIMIT;
    /** ACTIVE or CANCELLED (the emulator never blocks accounts). */
    String status = "ACTIVE";
    String subStatus = "NONE";
    String reason;
    String reasonDescription;
    /** The MonetaryAccountSetting object as bunq renders it. */
    JsonObject setting = new JsonObject()
        .put("color", "#FE2851")
        .put("icon", null)
        .put("default_avatar_status", "AVATAR_DEFAULT")
        .put("restriction_chat", "ALLOW_INCOMING")
        .put("sdd_expiration_action", null);

    Account(long id, Instant created, String publicUuid, String iban, User owner, BigDecimal balance) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.publicUuid = publicUuid;
      this.iban = iban;
      this.owner = owner;
      this.balance = balance;
    }

    boolean isActive() {
      return "ACTIVE".equals(status);
    }
  }

  /** An installation: the client key, the token that names it, and the server key pair it signs with. */
  record Installation(long id, long tokenId, Instant created, String token, PublicKey clientKey,
      KeyPair serverKeys) {
  }

  /** A device-server registration of one API key on one installation. */
  record Device(long id, Instant created, String description, long installationId, String apiKey,
      List<String> permittedIps) {

    boolean permits(String ip) {
      return permittedIps.contains("*") || permittedIps.contains(ip);
    }
  }

  /**
   * A session opened with session-server; dead once {@code expiresAt} has passed. {@code user} is the
   * user whose accounts the session acts on: the key's owner, or for an OAuth session ({@code grant}
   * not null) the user who granted access.
   */
  record Session(long id, Instant created, String token, Installation installation, User user,
      Instant expiresAt, Grant grant) {

    /** A session opened with a user's own API key. */
    Session(long id, Instant created, String token, Installation installation, User user, Instant expiresAt) {
      this(id, created, token, installation, user, expiresAt, null);
    }

    boolean isExpired(Instant now) {
      return !now.isBefore(expiresAt);
    }

    /** The {@code {userID}} of this session's paths: the user's id, or the UserApiKey id for OAuth. */
    long userId() {
      return grant == null ? user.id() : grant.id();
    }

    /** The auto-logout time: the user's, or for OAuth the requesting user's (as the SDKs read it). */
    int timeoutSeconds() {
      return grant == null ? user.sessionTimeoutSeconds() : grant.requestedBy().sessionTimeoutSeconds();
    }

    Session withExpiresAt(Instant newExpiry) {
      return new Session(id, created, token, installation, user, newExpiry, grant);
    }
  }

  /** An OAuth client (app) of a user: its credentials, status and registered redirect URIs. */
  static final class OauthClient {
    final long id;
    final Instant created;
    final String clientId;
    final String secret;
    final User owner;
    /** Redirect URIs by their OauthCallbackUrl id, in registration order. */
    final Map<Long, String> callbackUrls = new LinkedHashMap<>();
    Instant updated;
    String status = "ACTIVE";

    OauthClient(long id, Instant created, String clientId, String secret, User owner) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.clientId = clientId;
      this.secret = secret;
      this.owner = owner;
    }

    boolean isActive() {
      return "ACTIVE".equals(status);
    }
  }

  /** A single-use authorization code handed out by {@code /auth}. */
  record AuthorizationCode(String code, OauthClient client, String redirectUri, String state, User grantedBy,
      Instant expiresAt) {
  }

  /**
   * An OAuth connection, which bunq shows as a {@code UserApiKey}: the access token works like an
   * API key and acts on {@code grantedBy}'s accounts on behalf of {@code requestedBy} (the app owner).
   */
  record Grant(long id, Instant created, String accessToken, OauthClient client, User requestedBy,
      User grantedBy) {

    /** Ids only, no access token: safe to log. */
    @Override
    public String toString() {
      return "Grant[" + id + ", client " + client.id + ", granted by " + grantedBy.id() + "]";
    }
  }

  /** A Payment as the GET endpoints render it; {@code json} is frozen at creation. */
  record Payment(long id, long accountId, JsonObject json) {
  }

  /** One NotificationFilterUrl of a user. */
  record Filter(long id, Instant created, String category, String target) {
  }

  /**
   * The user-level URL filters an OAuth app set through its connection {@code grantId}: kept apart
   * from the filters of {@code userId}, the user who granted it, and called for that user's events.
   */
  record GrantFilters(long grantId, long userId, List<Filter> filters) {

    GrantFilters {
      filters = List.copyOf(filters);
    }
  }
}
