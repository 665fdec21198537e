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
 * <p>Each call costs a millisecond or more of CPU: run bulk signing on a worker thread
 * ({@link CryptoWorker}).
 */
public final class Signatures {

  /** The JCA name of the algorithm bunq uses. */
  public static final String ALGORITHM = "SHA256withRSA";

  private Signatures() {
  }

  /** Signs the bytes and returns the base64 signature. An empty body is signed as zero bytes. */
  public static String sign(PrivateKey key, byte[] body) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
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
      Signature signature = Signature.getInstance(ALGORITHM);
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
