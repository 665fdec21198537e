package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.number;
import static com.bunqconnector.emulator.StateFields.optionalText;
import static com.bunqconnector.emulator.StateFields.text;
import static com.bunqconnector.emulator.StateFields.time;

import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.Psd2Credentials.Credential;
import com.bunqconnector.emulator.Psd2Credentials.Provider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The PSD2 providers and credentials in a durable emulator's state file: sections
 * {@code psd2Providers} (user, certificate, whether its key opened a session) and
 * {@code psd2Credentials}, written whole on every save as credentials change when their device is
 * registered. Files without the sections (older ones) hold no providers.
 */
final class Psd2Snapshots {

  static final String PROVIDERS = "psd2Providers";
  static final String CREDENTIALS = "psd2Credentials";

  private Psd2Snapshots() {
  }

  /** Adds both sections to the state file's JSON {@code json}. */
  static void write(Psd2Credentials psd2, JsonObject json) {
    JsonArray providers = new JsonArray();
    psd2.providers().forEach(p -> providers.add(new JsonObject()
        .put("userId", p.user.id())
        .put("certificate", p.certificate)
        .put("sessionOpened", p.sessionOpened)));
    JsonArray credentials = new JsonArray();
    psd2.credentials().forEach(c -> credentials.add(new JsonObject()
        .put("id", c.id)
        .put("created", c.created.toString())
        .put("updated", c.updated.toString())
        .put("installationId", c.installationId)
        .put("userId", c.provider.user.id())
        .put("status", c.status)
        .put("deviceDescription", c.deviceDescription)
        .put("deviceIp", c.deviceIp)));
    json.put(PROVIDERS, providers).put(CREDENTIALS, credentials);
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
