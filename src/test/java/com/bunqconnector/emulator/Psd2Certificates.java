package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test QSEAL certificates made on the spot with Bouncy Castle (no key file in the repository), and
 * the {@code payment-service-provider-credential} call as bunq's SDKs make it.
 */
final class Psd2Certificates {

  private static final AtomicLong SERIALS = new AtomicLong(1);

  /** A self-signed certificate, its PEM and the key pair it certifies. */
  record Qseal(X509Certificate certificate, String pem, KeyPair keys) {

    /** The signature bunq asks for: over the client's PEM public key with the installation token appended. */
    String signatureFor(TestClient client) {
      return signatureFor(client, keys.getPrivate());
    }

    /** The same signature, made with another key. */
    String signatureFor(TestClient client, PrivateKey key) {
      String signed = TestClient.pem(client.keys.getPublic(), "\n", true) + client.installationToken;
      return TestClient.sign(key, signed.getBytes(StandardCharsets.UTF_8));
    }

    /** The body the SDKs send: this certificate, itself as the chain, and the signature for the client. */
    String body(TestClient client) {
      return new JsonObject()
          .put("client_payment_service_provider_certificate", pem)
          .put("client_payment_service_provider_certificate_chain", pem)
          .put("client_public_key_signature", signatureFor(client))
          .encode();
    }
  }

  private Psd2Certificates() {
  }

  /** A self-signed certificate for {@code subject} (such as {@code "CN=Test PISP, C=NL"}) valid around {@code now}. */
  static Qseal valid(String subject, Instant now) {
    return make(subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), TestClient.generateKeys());
  }

  /** A self-signed certificate that expired a day before {@code now}. */
  static Qseal expired(String subject, Instant now) {
    return make(subject, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), TestClient.generateKeys());
  }

  /** A self-signed certificate with these dates and keys (RSA, or EC or RSASSA-PSS for a key bunq does not take). */
  static Qseal make(String subject, Instant notBefore, Instant notAfter, KeyPair keys) {
    X500Name name = new X500Name(subject);
    String signer = switch (keys.getPrivate().getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> "SHA256withRSAandMGF1";
      default -> "SHA256withRSA";
    };
    try {
      BigInteger serial = BigInteger.valueOf(SERIALS.getAndIncrement());
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, serial, Date.from(notBefore),
          Date.from(notAfter), name, keys.getPublic())
          .build(new JcaContentSignerBuilder(signer).setProvider(new BouncyCastleProvider()).build(keys.getPrivate()));
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(certificate);
      }
      return new Qseal(certificate, pem.toString(), keys);
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("making a test certificate failed", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** POSTs the credential body with the client's installation token, signed as the SDKs sign it. */
  static Reply register(TestClient client, String body) {
    return client.send("POST", "/payment-service-provider-credential", client.installationToken, body, true);
  }

  /**
   * Installs the client, registers the certificate and opens a session with the credential's token;
   * returns the credential as answered.
   */
  static JsonObject withSession(TestClient client, Qseal qseal) {
    client.install();
    Reply registered = register(client, qseal.body(client));
    assertThat(registered.status()).as(registered.text()).isEqualTo(200);
    JsonObject credential = registered.item(0, "CredentialPasswordIp");
    client.apiKey = credential.getString("token_value");
    client.registerDevice(client.apiKey);
    Reply session = client.openSession(client.apiKey);
    assertThat(session.status()).as(session.text()).isEqualTo(200);
    return credential;
  }
}
