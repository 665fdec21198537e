package com.bunqconnector.emulator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * A PSD2 QSEAL certificate as {@code payment-service-provider-credential} takes it: X.509 in PEM,
 * with an RSA key, and a subject CN that names the provider's roles. bunq's sandbox accepts pseudo
 * certificates (self-signed ones included) whose CN contains {@code AISP} and/or {@code PISP}; so does
 * the emulator, which checks neither an issuer nor the chain beyond its being certificates.
 *
 * @param certificate the parsed certificate
 * @param commonName its subject CN
 * @param roles the roles the CN names, of {@link #ROLES}, in that order
 * @param fingerprint the SHA-256 of its DER encoding, in lowercase hex: which provider it stands for
 */
record QsealCertificate(X509Certificate certificate, String commonName, List<String> roles, String fingerprint) {

  /** The PSD2 roles a provider's CN may name: account information, payment initiation. */
  static final List<String> ROLES = List.of("AISP", "PISP");

  /**
   * Parses one certificate in PEM and reads its CN and roles.
   *
   * @throws IllegalArgumentException saying what is wrong (not PEM, not one X.509 certificate, a key
   *     that is not RSA, no CN, no role in the CN)
   */
  static QsealCertificate parse(String pem) {
    List<X509Certificate> parsed = parseAll(pem);
    if (parsed.size() != 1) {
      throw new IllegalArgumentException("must hold one certificate, not " + parsed.size());
    }
    X509Certificate certificate = parsed.get(0);
    // An RSASSA-PSS key is an RSAPublicKey too, but SHA256withRSA (PKCS#1 v1.5) cannot verify with it.
    if (!(certificate.getPublicKey() instanceof RSAPublicKey)
        || !"RSA".equals(certificate.getPublicKey().getAlgorithm())) {
      throw new IllegalArgumentException("must have an RSA key, not " + certificate.getPublicKey().getAlgorithm());
    }
    String commonName = commonName(certificate);
    List<String> roles = ROLES.stream().filter(commonName::contains).toList();
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("has the subject CN \"" + commonName + "\", which names no PSD2 role ("
          + String.join(" or ", ROLES) + ")");
    }
    return new QsealCertificate(certificate, commonName, roles, fingerprint(certificate));
  }

  /**
   * Parses one or more certificates in PEM, one after the other.
   *
   * @throws IllegalArgumentException if the text is not X.509 certificates in PEM, or holds none
   */
  static List<X509Certificate> parseAll(String pem) {
    Collection<? extends Certificate> certificates;
    try {
      certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("is not an X.509 certificate in PEM format");
    }
    List<X509Certificate> list = new ArrayList<>();
    for (Certificate certificate : certificates) {
      list.add((X509Certificate) certificate);
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("holds no X.509 certificate in PEM format");
    }
    return list;
  }

  /**
   * Checks that the certificate is valid at {@code now}.
   *
   * @return this certificate
   * @throws IllegalArgumentException saying when it expired, or from when it is valid
   */
  QsealCertificate validAt(Instant now) {
    try {
      certificate.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException("expired at " + certificate.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException("is not valid before " + certificate.getNotBefore().toInstant());
    }
    return this;
  }

  private static String commonName(X509Certificate certificate) {
    RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
    if (names.length == 0) {
      throw new IllegalArgumentException("has no CN in its subject");
    }
    return IETFUtils.valueToString(names[0].getFirst().getValue());
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("fingerprinting a parsed certificate failed", e);
    }
  }
}
