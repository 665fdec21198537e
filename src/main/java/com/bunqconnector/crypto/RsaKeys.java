package com.bunqconnector.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * RSA key pairs as bunq uses them: 2048-bit keys, public keys exchanged as X.509
 * SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}), private keys kept as PKCS#8 PEM.
 *
 * <p>Key generation costs tens to hundreds of milliseconds: call {@link #generate()} only on a
 * worker thread ({@link CryptoWorker} does that). Everything else here is cheap and pure.
 */
public final class RsaKeys {

  /** The key size bunq expects for client keys and uses for its server keys. */
  public static final int KEY_SIZE = 2048;

  private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

  private RsaKeys() {
  }

  /** Generates a fresh RSA-2048 key pair. Blocking: run it on a worker thread. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
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
        PublicKey key = CONVERTER.getPublicKey(info);
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
    Object parsed = readPem(pem, "private key");
    try {
      if (parsed instanceof PrivateKeyInfo info) {
        return CONVERTER.getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return CONVERTER.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM private key could not be decoded", e);
    }
    throw new IllegalArgumentException("PEM text does not hold a private key but " + describe(parsed));
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
