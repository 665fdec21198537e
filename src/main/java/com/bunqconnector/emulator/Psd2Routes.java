package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.Psd2Credentials.Credential;
import com.bunqconnector.emulator.Psd2Credentials.Provider;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bunq's PSD2 registration: {@code POST payment-service-provider-credential} with the installation
 * token, and {@code GET payment-service-provider-credential/{id}}. The body's
 * {@code client_public_key_signature} must be the certificate key's SHA256withRSA signature over the
 * installation's client public key in PEM (bunq's format: {@code \n} line ends, 64 characters a line,
 * a final {@code \n}) with the installation token appended; the answer is the new
 * {@code CredentialPasswordIp}, whose {@code token_value} is the provider's API key (see
 * {@link Psd2Credentials}). Bad certificates, chains and signatures are 400s naming the field.
 */
final class Psd2Routes {

  static final String PATH = "/v1/payment-service-provider-credential";
  static final String CERTIFICATE = "client_payment_service_provider_certificate";
  static final String CHAIN = "client_payment_service_provider_certificate_chain";
  static final String SIGNATURE = "client_public_key_signature";

  private static final Logger log = LoggerFactory.getLogger(Psd2Routes.class);

  private final EmulatorState state;
  private final Guard guard;
  private final CryptoWorker crypto;

  Psd2Routes(EmulatorState state, Guard guard, CryptoWorker crypto) {
    this.state = state;
    this.guard = guard;
    this.crypto = crypto;
  }

  void mount(Router router, Replies replies) {
    router.post(PATH).handler(replies.handler(this::create));
    router.get(PATH + "/:credentialID").handler(replies.handler(this::read));
  }

  /** Registers the certificate: a new provider for a certificate not seen before, a new credential every time. */
  private Future<JsonObject> create(RoutingContext ctx) {
    Installation installation = guard.installation(ctx);
    return guard.signature(ctx, installation, false).compose(ok -> {
      JsonObject body = Bodies.object(ctx, false);
      String pem = Bodies.string(body, CERTIFICATE);
      QsealCertificate certificate = field(CERTIFICATE, () -> QsealCertificate.parse(pem).validAt(state.now()));
      field(CHAIN, () -> QsealCertificate.parseAll(Bodies.string(body, CHAIN)));
      String signature = Bodies.string(body, SIGNATURE);
      byte[] signed = (RsaKeys.publicKeyToPem(installation.clientKey()) + installation.token())
          .getBytes(StandardCharsets.UTF_8);
      return crypto.verify(certificate.certificate().getPublicKey(), signed, signature).map(valid -> {
        if (!valid) {
          throw ApiError.badRequest("Field \"" + SIGNATURE + "\" is not the certificate key's SHA256withRSA"
              + " signature of the installation's client public key followed by the installation token.");
        }
        return register(installation, certificate);
      });
    });
  }

  private JsonObject register(Installation installation, QsealCertificate certificate) {
    Psd2Credentials psd2 = state.psd2();
    Provider provider = psd2.provider(certificate.fingerprint()).orElseGet(() -> {
      User user = state.createUser(Kind.PSP, certificate.commonName(), null, BigDecimal.ZERO,
          Psd2Credentials.SESSION_TIMEOUT_SECONDS);
      Provider made = new Provider(user, pem(certificate), certificate.fingerprint());
      psd2.addProvider(made);
      log.info("Registered payment service provider {} ({})", user.id(), String.join(", ", certificate.roles()));
      return made;
    });
    Credential credential = new Credential(state.nextId(), state.now(), installation.id(), provider);
    psd2.addCredential(credential);
    log.info("Issued PSD2 credential {} to user {} on installation {}", credential.id, provider.user.id(),
        installation.id());
    return Envelopes.response(render(credential));
  }

  /**
   * A credential, for the installation it was made on (installation token) or for a session of its
   * provider; 404 for any other.
   */
  private Future<JsonObject> read(RoutingContext ctx) {
    String raw = ctx.pathParam("credentialID");
    Future<Boolean> mine;
    if (guard.hasSessionToken(ctx)) {
      mine = guard.authorise(ctx, false).map(session -> owns(session, raw));
    } else {
      Installation installation = guard.installation(ctx);
      mine = Future.succeededFuture(credential(raw).map(c -> c.installationId == installation.id()).orElse(false));
    }
    return mine.map(found -> {
      if (!found) {
        throw ApiError.notFound("PaymentServiceProviderCredential for id \"" + raw + "\" not found.");
      }
      return Envelopes.response(render(credential(raw).orElseThrow()));
    });
  }

  private boolean owns(Session session, String raw) {
    return session.grant() == null
        && credential(raw).map(c -> c.provider.user.id() == session.user().id()).orElse(false);
  }

  private Optional<Credential> credential(String raw) {
    try {
      return state.psd2().credential(Long.parseLong(raw));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * A {@code CredentialPasswordIp} with the fields of bunq's schema in its order: the token while the
   * credential is pending, the device once it is active. bunq also gives a pending credential an
   * {@code expiry_time}; the emulator lets pending credentials wait, and sends {@code null}.
   */
  static JsonObject render(Credential credential) {
    boolean pending = Psd2Credentials.PENDING.equals(credential.status);
    JsonObject device = pending ? null : new JsonObject()
        .put("description", credential.deviceDescription)
        .put("ip", credential.deviceIp);
    return Envelopes.wrap("CredentialPasswordIp", new JsonObject()
        .put("id", credential.id)
        .put("created", Timestamps.format(credential.created))
        .put("updated", Timestamps.format(credential.updated))
        .put("status", credential.status)
        .put("expiry_time", null)
        .put("token_value", pending ? credential.provider.user.apiKey() : null)
        .put("permitted_device", device));
  }

  /** The certificate in PEM as the emulator keeps it: re-encoded, so the same for any formatting sent. */
  private static String pem(QsealCertificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.certificate().getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("re-encoding a parsed certificate failed", e);
    }
  }

  /** Runs a check of one body field; its {@link IllegalArgumentException} becomes a 400 naming the field. */
  private static <T> T field(String name, Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("Field \"" + name + "\" " + e.getMessage() + ".");
    }
  }
}
