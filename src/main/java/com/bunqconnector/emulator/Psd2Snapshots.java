package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.number;
import static com.bunqconnector.emulator.StateFields.optionalText;
import static com.bunqconnector.emulator.StateFields.text;
import static com.bunqconnector.emulator.StateFields.time;

import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.Psd2Credentials.Credential;
import com.bunqconnector.emulator.Psd2Credentials.Provider;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The PSD2 providers and credentials of a durable emulator's state, two {@link StateKinds kinds}
 * that change (a provider when its key opens a session, a credential when its device is registered):
 * sections {@code psd2Providers} and {@code psd2Credentials}, journal records {@code psd2Provider}
 * and {@code psd2Credential}. Files without the sections (older ones) hold no providers.
 */
final class Psd2Snapshots {

  static final String PROVIDERS = "psd2Providers";
  static final String CREDENTIALS = "psd2Credentials";

  private Psd2Snapshots() {
  }

  /** A provider as its section lists it: user, certificate and whether its key opened a session. */
  static JsonObject provider(Provider provider) {
    return new JsonObject()
        .put("userId", provider.user.id())
        .put("certificate", provider.certificate)
        .put("sessionOpened", provider.sessionOpened);
  }

  /** A credential as its section lists it, its provider by user id. */
  static JsonObject credential(Credential credential) {
    return new JsonObject()
        .put("id", credential.id)
        .put("created", credential.created.toString())
        .put("updated", credential.updated.toString())
        .put("installationId", credential.installationId)
        .put("userId", credential.provider.user.id())
        .put("status", credential.status)
        .put("deviceDescription", credential.deviceDescription)
        .put("deviceIp", credential.deviceIp);
  }

  /** Restores one entry of {@code psd2Providers}: a provider user with its certificate. */
  static void restoreProvider(JsonObject j, EmulatorState state) {
    User user = state.user(number(j, "userId"))
        .filter(u -> u.kind() == Model.Kind.PSP)
        .orElseThrow(() -> new IllegalArgumentException("\"userId\" names no UserPaymentServiceProvider"));
    QsealCertificate certificate;
    try {
      certificate = QsealCertificate.parse(text(j, "certificate"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"certificate\" " + e.getMessage(), e);
    }
    if (!(j.getValue("sessionOpened") instanceof Boolean opened)) {
      throw new IllegalArgumentException("\"sessionOpened\" must be true or false");
    }
    if (state.psd2().providerOf(user.id()).isPresent()) {
      throw new IllegalArgumentException("\"userId\" names a user of another provider");
    }
    Provider provider = new Provider(user, text(j, "certificate"), certificate.fingerprint());
    provider.sessionOpened = opened;
    state.psd2().addProvider(provider);
  }

  /**
   * Restores one entry of {@code psd2Credentials}: of a restored provider, on one of {@code installations}
   * (the restored ones, by id).
   */
  static void restoreCredential(JsonObject j, EmulatorState state, IssuedIds ids, Map<Long, ?> installations) {
    Provider provider = state.psd2().providerOf(number(j, "userId"))
        .orElseThrow(() -> new IllegalArgumentException("\"userId\" names no PSD2 provider"));
    long installationId = number(j, "installationId");
    if (!installations.containsKey(installationId)) {
      throw new IllegalArgumentException("\"installationId\" names no installation");
    }
    String status = text(j, "status");
    if (!List.of(Psd2Credentials.PENDING, Psd2Credentials.ACTIVE).contains(status)) {
      throw new IllegalArgumentException("\"status\" must be " + Psd2Credentials.PENDING + " or "
          + Psd2Credentials.ACTIVE);
    }
    Credential credential = new Credential(ids.id(j, "PSD2 credential"), time(j, "created"), installationId,
        provider);
    credential.updated = time(j, "updated");
    credential.status = status;
    credential.deviceDescription = optionalText(j, "deviceDescription");
    credential.deviceIp = optionalText(j, "deviceIp");
    state.psd2().addCredential(credential);
  }
}
