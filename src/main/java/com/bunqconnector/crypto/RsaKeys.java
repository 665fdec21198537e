package com.bunqconnector.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * RSA key pairs as bunq uses them: 2048-bit keys, public keys exchanged as X.509
 * SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}), private keys written as PKCS#8 PEM or, for
 * session contexts, in a compact text form ({@link #privateKeyToText}).
 *
 * <p>Keys are generated and parsed by the {@link RsaProvider#selected() selected provider}, so
 * that they sign with it without conversion. Key generation costs tens to hundreds of
 * milliseconds: call {@link #generate()} only on a worker thread ({@link CryptoWorker} does that).
 * Everything else here is cheap and pure.
 */
public final class RsaKeys {

  /** The key size bunq expects for client keys and uses for its server keys. */
  public static final int KEY_SIZE = 2048;

  /** How {@link #privateKeyToText} marks the compact form of an RSA private key. */
  public static final String COMPACT_PREFIX = "rsa-epq:";

  private RsaKeys() {
  }

  /** Generates a fresh RSA-2048 key pair. Blocking: run it on a worker thread. */
  public static KeyPair generate() {
    return generate(RsaProvider.selected());
  }

  /** Generates a fresh RSA-2048 key pair with {@code provider}. Blocking: run it on a worker thread. */
  public static KeyPair generate(RsaProvider provider) {
    try {
      KeyPairGenerator generator = provider.keyPairGenerator();
      generator.initialize(KEY_SIZE);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  /**
   * Encodes a public key as PEM with {@code \n} line ends, 64 base64 characters a line and a
   * final newline, the format bunq's own clients send.
   */
  public static String publicKeyToPem(PublicKey key) {
    return toPem("PUBLIC KEY", key.getEncoded());
  }

  /** Encodes a private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static String privateKeyToPem(PrivateKey key) {
    return toPem("PRIVATE KEY", key.getEncoded());
  }

  /**
   * Parses a PEM public key. Accepts {@code \n} or {@code \r\n} line ends, with or without a
   * final newline, in X.509 ({@code BEGIN PUBLIC KEY}) or PKCS#1 ({@code BEGIN RSA PUBLIC KEY})
   * form.
   *
   * @throws IllegalArgumentException if the text is not an RSA public key in PEM
   */
  public static PublicKey publicKeyFromPem(String pem) {
    Object parsed = readPem(pem, "public key");
    try {
      if (parsed instanceof SubjectPublicKeyInfo info) {
        PublicKey key = converter(RsaProvider.selected()).getPublicKey(info);
        if (key instanceof RSAPublicKey) {
          return key;
        }
        throw new IllegalArgumentException("PEM public key is not an RSA key but " + key.getAlgorithm());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM public key could not be decoded: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("PEM text does not hold a public key but " + describe(parsed));
  }

  /**
   * Parses a PEM private key, PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
   * ({@code BEGIN RSA PRIVATE KEY}). Error messages never include the key material.
   *
   * @throws IllegalArgumentException if the text is not a private key in PEM
   */
  public static PrivateKey privateKeyFromPem(String pem) {
    return privateKeyFromPem(pem, RsaProvider.selected());
  }

  /**
   * Parses a PEM private key as {@link #privateKeyFromPem(String)} does, into a key of {@code provider}.
   *
   * @throws IllegalArgumentException if the text is not a private key in PEM
   */
  public static PrivateKey privateKeyFromPem(String pem, RsaProvider provider) {
    Object parsed = readPem(pem, "private key");
    try {
      if (parsed instanceof PrivateKeyInfo info) {
        return converter(provider).getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return converter(provider).getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM private key could not be decoded", e);
    }
    throw new IllegalArgumentException("PEM text does not hold a private key but " + describe(parsed));
  }

  /**
   * Encodes a private key in the compact text form kept in session contexts: for an RSA key with
   * its CRT values, {@value #COMPACT_PREFIX} and base64 of the DER sequence of its public exponent
   * and its two primes (about 350 characters instead of about 1,700 for PKCS#8 PEM), from which
   * {@link #privateKeyFromText} computes the rest; for any other key, PKCS#8 PEM.
   */
  public static String privateKeyToText(PrivateKey key) {
    if (key instanceof RSAPrivateCrtKey crt && crt.getPrimeP() != null && crt.getPrimeQ() != null
        && crt.getPublicExponent() != null) {
      ASN1EncodableVector values = new ASN1EncodableVector();
      values.add(new ASN1Integer(crt.getPublicExponent()));
      values.add(new ASN1Integer(crt.getPrimeP()));
      values.add(new ASN1Integer(crt.getPrimeQ()));
      try {
        return COMPACT_PREFIX + Base64.getEncoder().encodeToString(new DERSequence(values).getEncoded());
      } catch (IOException e) {
        throw new IllegalStateException("DER encoding in memory failed", e);
      }
    }
    return privateKeyToPem(key);
  }

  /**
   * Reads a private key written by {@link #privateKeyToText} (compact or PEM) or any PEM that
   * {@link #privateKeyFromPem(String)} reads, into a key of the selected provider. Error messages
   * never include the key material.
   *
   * @throws IllegalArgumentException if the text is neither form of a private key
   */
  public static PrivateKey privateKeyFromText(String text) {
    if (text == null || !text.startsWith(COMPACT_PREFIX)) {
      return privateKeyFromPem(text);
    }
    BigInteger e;
    BigInteger p;
    BigInteger q;
    try {
      byte[] der = Base64.getDecoder().decode(text.substring(COMPACT_PREFIX.length()));
      ASN1Sequence values = ASN1Sequence.getInstance(der);
      if (values.size() != 3) {
        throw new IllegalArgumentException("compact private key holds " + values.size() + " values, not 3");
      }
      e = ASN1Integer.getInstance(values.getObjectAt(0)).getValue();
      p = ASN1Integer.getInstance(values.getObjectAt(1)).getValue();
      q = ASN1Integer.getInstance(values.getObjectAt(2)).getValue();
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException ex) {
      throw new IllegalArgumentException("compact private key is not base64 of a DER sequence of three integers");
    }
    if (e.signum() <= 0 || !e.testBit(0) || p.compareTo(BigInteger.TWO) <= 0 || q.compareTo(BigInteger.TWO) <= 0
        || p.equals(q)) {
      throw new IllegalArgumentException("compact private key does not hold an RSA exponent and two distinct primes");
    }
    BigInteger p1 = p.subtract(BigInteger.ONE);
    BigInteger q1 = q.subtract(BigInteger.ONE);
    try {
      BigInteger d = e.modInverse(p1.multiply(q1).divide(p1.gcd(q1)));
      RSAPrivateCrtKeySpec spec = new RSAPrivateCrtKeySpec(p.multiply(q), e, d, p, q, d.mod(p1), d.mod(q1),
          q.modInverse(p));
      return RsaProvider.selected().keyFactory().generatePrivate(spec);
    } catch (ArithmeticException | GeneralSecurityException ex) {
      throw new IllegalArgumentException("compact private key is not a valid RSA key");
    }
  }

  private static Object readPem(String pem, String what) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("PEM " + what + " is empty");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object parsed = parser.readObject();
      if (parsed == null) {
        throw new IllegalArgumentException("PEM " + what + " has no BEGIN/END block");
      }
      return parsed;
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM " + what + " is malformed: " + e.getMessage(), e);
    }
  }

  private static JcaPEMKeyConverter converter(RsaProvider provider) {
    return new JcaPEMKeyConverter().setProvider(provider.provider());
  }

  private static String describe(Object parsed) {
    return parsed.getClass().getSimpleName();
  }

  private static String toPem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory failed", e);
    }
    return out.toString().replace("\r\n", "\n");
  }
}
