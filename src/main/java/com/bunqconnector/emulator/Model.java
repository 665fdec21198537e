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

  /** A MonetaryAccountBank; only {@code balance} and {@code updated} change. */
  static final class Account {
    final long id;
    final Instant created;
    final String publicUuid;
    final String iban;
    final User owner;
    Instant updated;
    BigDecimal balance;

    Account(long id, Instant created, String publicUuid, String iban, User owner, BigDecimal balance) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.publicUuid = publicUuid;
      this.iban = iban;
      this.owner = owner;
      this.balance = balance;
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
