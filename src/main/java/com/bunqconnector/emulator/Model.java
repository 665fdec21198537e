package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

/** The emulator's in-memory entities. Mutable ones are touched only on the emulator's context. */
final class Model {

  private Model() {
  }

  /** A sandbox UserPerson and the secrets bound to it. */
  record User(long id, Instant created, String publicUuid, String firstName, String lastName, String email,
      String phone, String apiKey, int sessionTimeoutSeconds) {

    String displayName() {
      return firstName + " " + lastName;
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

  /** A session opened with session-server; dead once {@code expiresAt} has passed. */
  record Session(long id, Instant created, String token, Installation installation, User user,
      Instant expiresAt) {

    boolean isExpired(Instant now) {
      return !now.isBefore(expiresAt);
    }
  }

  /** A Payment as the GET endpoints render it; {@code json} is frozen at creation. */
  record Payment(long id, long accountId, JsonObject json) {
  }

  /** One NotificationFilterUrl of a user. */
  record Filter(long id, Instant created, String category, String target) {
  }
}
