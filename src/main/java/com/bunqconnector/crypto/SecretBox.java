package com.bunqconnector.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets under a 256-bit master key with AES-GCM: a fresh random 96-bit nonce per value,
 * and associated data that binds each sealed value to where it belongs (for example
 * {@code acme/alice#sessionToken}), so a value copied to another user or field does not open.
 *
 * <p>Sealed text is {@code v1:} followed by base64 of nonce, ciphertext and tag. Thread-safe;
 * each call costs microseconds, so it may run on an event loop.
 */
public final class SecretBox {

  /** Length of a master key in bytes. */
  public static final int KEY_BYTES = 32;

  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String fingerprint;

  /**
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  public SecretBox(byte[] masterKey) {
    if (masterKey == null || masterKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("a master key is " + KEY_BYTES + " bytes, this one is "
          + (masterKey == null ? "missing" : masterKey.length + " bytes"));
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
    this.fingerprint = fingerprintOf(masterKey);
  }

  /** A box under a new random key, for a node whose sealed values need not outlive it. */
  public static SecretBox ephemeral() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new SecretBox(key);
  }

  /**
   * A short public name of the key (the first 8 hex digits of its SHA-256), safe to log, so that
   * operators can tell which key a node uses without seeing it.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** Seals the text, bound to {@code context}. */
  public String seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM sealing is not available: " + e.getMessage(), e);
    }
  }

  /**
   * Opens a value sealed for {@code context}.
   *
   * @throws SealedSecretException if the value is not sealed text, was sealed under another key or
   *     for another context, or was altered
   */
  public String open(String sealed, String context) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new SealedSecretException("value for " + context + " is not sealed (no " + PREFIX + " prefix)");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new SealedSecretException("sealed value for " + context + " is not base64");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SealedSecretException("sealed value for " + context + " is too short");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(raw, NONCE_BYTES), context);
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SealedSecretException("sealed value for " + context + " does not open with master key "
          + fingerprint + ": it was sealed under another key, for another place, or altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM opening is not available: " + e.getMessage(), e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  private static String fingerprintOf(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** A master key as text: base64 of 32 bytes, the form kept in environment variables and key files. */
  public static byte[] decodeKey(String base64, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " is not base64 (a master key is base64 of " + KEY_BYTES
          + " random bytes, e.g. from: openssl rand -base64 32)");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(source + " holds " + key.length + " bytes; a master key is " + KEY_BYTES
          + " (openssl rand -base64 32)");
    }
    return key;
  }
}
