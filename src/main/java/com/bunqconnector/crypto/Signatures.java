package com.bunqconnector.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;

/**
 * bunq's body signatures: RSASSA-PKCS1-v1_5 with SHA-256 over exactly the body bytes, base64
 * encoded (standard alphabet, padded, one line). The same scheme signs requests
 * ({@code X-Bunq-Client-Signature}) and responses ({@code X-Bunq-Server-Signature}).
 *
 * <p>The work is done by the {@link RsaProvider#selected() selected provider} unless one is given.
 * Each signature costs a fraction of a millisecond to a few milliseconds of CPU: run bulk signing
 * on a worker thread ({@link CryptoWorker}).
 */
public final class Signatures {

  /** The JCA name of the algorithm bunq uses. */
  public static final String ALGORITHM = "SHA256withRSA";

  private Signatures() {
  }

  /** Signs the bytes and returns the base64 signature. An empty body is signed as zero bytes. */
  public static String sign(PrivateKey key, byte[] body) {
    return sign(RsaProvider.selected(), key, body);
  }

  /** Signs the bytes with {@code provider} and returns the base64 signature. */
  public static String sign(RsaProvider provider, PrivateKey key, byte[] body) {
    try {
      Signature signature = provider.signature(ALGORITHM);
      signature.initSign(key);
      signature.update(body);
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + ALGORITHM + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a base64 signature over the bytes. Returns {@code false} for a missing, malformed or
   * non-matching signature; never throws for bad input.
   */
  public static boolean verify(PublicKey key, byte[] body, String base64Signature) {
    return verify(RsaProvider.selected(), key, body, base64Signature);
  }

  /** Checks a base64 signature over the bytes with {@code provider}, as {@link #verify(PublicKey, byte[], String)}. */
  public static boolean verify(RsaProvider provider, PublicKey key, byte[] body, String base64Signature) {
    if (base64Signature == null || base64Signature.isBlank()) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64Signature.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      Signature signature = provider.signature(ALGORITHM);
      signature.initVerify(key);
      signature.update(body);
      return signature.verify(raw);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("verifying with " + ALGORITHM + " failed: " + e.getMessage(), e);
    }
  }
}
