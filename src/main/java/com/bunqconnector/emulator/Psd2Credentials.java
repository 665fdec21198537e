package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Device;
import com.bunqconnector.emulator.Model.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The PSD2 side of the emulator's memory: the payment service providers that registered a QSEAL
 * certificate with {@code payment-service-provider-credential}, and the credentials (bunq's
 * {@code CredentialPasswordIp}) they were given. A certificate stands for one
 * {@code UserPaymentServiceProvider} whose API key is the credential's {@code token_value}, so
 * device-server and session-server take it as they take any API key; registering the same
 * certificate again gives a new credential for the same user and key. Not thread-safe: used only
 * on the emulator's context.
 */
final class Psd2Credentials {

  /** bunq's status of a credential whose token has not been registered as a device yet. */
  static final String PENDING = "PENDING_FIRST_USE";
  static final String ACTIVE = "ACTIVE";
  /** bunq's PSD2 guide: "The first session will last 1 hour." */
  static final Duration FIRST_SESSION = Duration.ofHours(1);
  /** bunq's PSD2 guide: after the first, "the session will last 90 days"; the provider's auto-logout time. */
  static final int SESSION_TIMEOUT_SECONDS = (int) Duration.ofDays(90).toSeconds();

  /**
   * A provider: its user, the certificate that made it (PEM, as registered first) and that
   * certificate's SHA-256 fingerprint, and whether its key has opened a session yet.
   */
  static final class Provider {
    final User user;
    final String certificate;
    final String fingerprint;
    boolean sessionOpened;

    Provider(User user, String certificate, String fingerprint) {
      this.user = user;
      this.certificate = certificate;
      this.fingerprint = fingerprint;
    }
  }

  /**
   * One registration: made on an installation, pending until its token is registered as a device
   * there, then active for that device (whose description and IP it shows).
   */
  static final class Credential {
    final long id;
    final Instant created;
    final long installationId;
    final Provider provider;
    Instant updated;
    String status = PENDING;
    String deviceDescription;
    String deviceIp;

    Credential(long id, Instant created, long installationId, Provider provider) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.installationId = installationId;
      this.provider = provider;
    }
  }

  private final Map<String, Provider> providersByFingerprint = new LinkedHashMap<>();
  private final Map<Long, Provider> providersByUser = new HashMap<>();
  private final Map<Long, Credential> credentials = new LinkedHashMap<>();

  /** The provider a certificate (by its fingerprint) made, if it registered before. */
  Optional<Provider> provider(String fingerprint) {
    return Optional.ofNullable(providersByFingerprint.get(fingerprint));
  }

  /** Records a provider (new, or restored from a saved state). */
  void addProvider(Provider provider) {
    if (providersByFingerprint.containsKey(provider.fingerprint)) {
      throw new IllegalArgumentException("a provider with this certificate exists already");
    }
    providersByFingerprint.put(provider.fingerprint, provider);
    providersByUser.put(provider.user.id(), provider);
  }

  /** Records a credential (new, or restored from a saved state). */
  void addCredential(Credential credential) {
    credentials.put(credential.id, credential);
  }

  Optional<Credential> credential(long id) {
    return Optional.ofNullable(credentials.get(id));
  }

  /**
   * A device was registered with a provider's key: the provider's pending credentials made on that
   * installation become active for it. Does nothing for users that are not certificate providers.
   */
  void deviceRegistered(User user, Device device, Instant now) {
    Provider provider = providersByUser.get(user.id());
    if (provider == null) {
      return;
    }
    for (Credential credential : credentials.values()) {
      if (credential.provider == provider && credential.installationId == device.installationId()
          && PENDING.equals(credential.status)) {
        credential.status = ACTIVE;
        credential.deviceDescription = device.description();
        credential.deviceIp = String.join(",", device.permittedIps());
        credential.updated = now;
      }
    }
  }

  /**
   * How long a new session of {@code user} lasts when it is a certificate provider: one hour for the
   * first session its key opens, its auto-logout time (90 days) afterwards; empty for other users.
   */
  Optional<Duration> openSession(User user) {
    Provider provider = providersByUser.get(user.id());
    if (provider == null) {
      return Optional.empty();
    }
    boolean first = !provider.sessionOpened;
    provider.sessionOpened = true;
    return Optional.of(first ? FIRST_SESSION : Duration.ofSeconds(user.sessionTimeoutSeconds()));
  }

  // --- Snapshot and restore of a durable emulator (issue #5) ---

  /** Every provider, in registration order; read-only. */
  Collection<Provider> providers() {
    return Collections.unmodifiableCollection(providersByFingerprint.values());
  }

  /** Every credential, in creation order; read-only. */
  Collection<Credential> credentials() {
    return Collections.unmodifiableCollection(credentials.values());
  }

  /** The provider of a user, if that user was made from a certificate. */
  Optional<Provider> providerOf(long userId) {
    return Optional.ofNullable(providersByUser.get(userId));
  }
}
