package com.bunqconnector.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CryptoTest {

  private static KeyPair keys;

  @BeforeAll
  static void generateOnce() {
    keys = RsaKeys.generate();
  }

  /** A key pair from the JDK's default provider, independent of the connector's choice. */
  private static KeyPair jdkKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  @Test
  void generatesRsa2048Keys() {
    assertThat(keys.getPublic()).isInstanceOf(RSAPublicKey.class);
    assertThat(((RSAPublicKey) keys.getPublic()).getModulus().bitLength()).isEqualTo(2048);
  }

  @Test
  void encodesPublicKeyAsBunqStylePem() {
    String pem = RsaKeys.publicKeyToPem(keys.getPublic());
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n")
        .doesNotContain("\r");
    String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").trim();
    assertThat(base64.split("\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
  }

  @Test
  void parsedPemMatchesTheJdksOwnDecoding() throws Exception {
    String pem = RsaKeys.publicKeyToPem(keys.getPublic());
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PublicKey jdk = KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    assertThat(RsaKeys.publicKeyFromPem(pem)).isEqualTo(jdk).isEqualTo(keys.getPublic());
  }

  @Test
  void parsesPemWithCrLfAndWithoutFinalNewline() {
    String pem = RsaKeys.publicKeyToPem(keys.getPublic());
    assertThat(RsaKeys.publicKeyFromPem(pem.replace("\n", "\r\n"))).isEqualTo(keys.getPublic());
    assertThat(RsaKeys.publicKeyFromPem(pem.stripTrailing())).isEqualTo(keys.getPublic());
  }

  @Test
  void privateKeyRoundTripsThroughPkcs8Pem() {
    String pem = RsaKeys.privateKeyToPem(keys.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(RsaKeys.privateKeyFromPem(pem)).isEqualTo(keys.getPrivate());
  }

  @Test
  void compactPrivateKeyTextRebuildsTheSameKey() {
    String text = RsaKeys.privateKeyToText(keys.getPrivate());
    assertThat(text).startsWith(RsaKeys.COMPACT_PREFIX).hasSizeLessThan(400);
    RSAPrivateCrtKey original = (RSAPrivateCrtKey) keys.getPrivate();
    RSAPrivateCrtKey rebuilt = (RSAPrivateCrtKey) RsaKeys.privateKeyFromText(text);
    assertThat(rebuilt.getModulus()).isEqualTo(original.getModulus());
    assertThat(rebuilt.getPublicExponent()).isEqualTo(original.getPublicExponent());
    assertThat(rebuilt.getPrimeExponentP()).isEqualTo(original.getPrimeExponentP());
    assertThat(rebuilt.getPrimeExponentQ()).isEqualTo(original.getPrimeExponentQ());
    assertThat(rebuilt.getCrtCoefficient()).isEqualTo(original.getCrtCoefficient());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(Signatures.sign(rebuilt, body)).isEqualTo(Signatures.sign(original, body));
  }

  @Test
  void compactTextOfAJdkKeyAndPemTextBothRead() throws Exception {
    KeyPair jdk = jdkKeyPair();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String expected = Signatures.sign(jdk.getPrivate(), body);
    assertThat(Signatures.sign(RsaKeys.privateKeyFromText(RsaKeys.privateKeyToText(jdk.getPrivate())), body))
        .isEqualTo(expected);
    assertThat(Signatures.sign(RsaKeys.privateKeyFromText(RsaKeys.privateKeyToPem(jdk.getPrivate())), body))
        .isEqualTo(expected);
  }

  @Test
  void damagedCompactKeyFailsWithoutShowingTheKey() {
    String text = RsaKeys.privateKeyToText(keys.getPrivate());
    String cut = text.substring(0, 60);
    assertThatThrownBy(() -> RsaKeys.privateKeyFromText(cut)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("compact private key")
        .hasMessageNotContaining(cut.substring(RsaKeys.COMPACT_PREFIX.length()));
    assertThatThrownBy(() -> RsaKeys.privateKeyFromText(RsaKeys.COMPACT_PREFIX + "!!"))
        .hasMessageContaining("not base64 of a DER sequence");
    // e = 3, p = q = 7: the same prime twice is no RSA key
    String samePrimes = RsaKeys.COMPACT_PREFIX + Base64.getEncoder().encodeToString(new byte[] {
        0x30, 0x09, 0x02, 0x01, 0x03, 0x02, 0x01, 0x07, 0x02, 0x01, 0x07});
    assertThatThrownBy(() -> RsaKeys.privateKeyFromText(samePrimes)).hasMessageContaining("two distinct primes");
  }

  @Test
  void rejectsTextThatIsNotAPublicKeyWithAClearMessage() {
    assertThatThrownBy(() -> RsaKeys.publicKeyFromPem("hello")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no BEGIN/END block");
    assertThatThrownBy(() -> RsaKeys.publicKeyFromPem("")).hasMessageContaining("empty");
    String privatePem = RsaKeys.privateKeyToPem(keys.getPrivate());
    assertThatThrownBy(() -> RsaKeys.publicKeyFromPem(privatePem)).hasMessageContaining("does not hold a public key");
    assertThatThrownBy(() -> RsaKeys.publicKeyFromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signatureVerifiesWithTheJdksIndependentVerifier() throws Exception {
    byte[] body = "{\n  \"amount\": {\"value\": \"12.50\"},\n  \"description\": \"caf\u00e9 \u2728\"\n}"
        .getBytes(StandardCharsets.UTF_8);
    String signature = Signatures.sign(keys.getPrivate(), body);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(keys.getPublic());
    jdk.update(body);
    assertThat(jdk.verify(Base64.getDecoder().decode(signature))).isTrue();
  }

  @Test
  void verifiesWhatTheJdkSignedAndRejectsAnyOtherBytes() throws Exception {
    byte[] body = "{\"Response\":[{\"Id\":{\"id\":1561}}]}".getBytes(StandardCharsets.UTF_8);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initSign(keys.getPrivate());
    jdk.update(body);
    String signature = Base64.getEncoder().encodeToString(jdk.sign());
    assertThat(Signatures.verify(keys.getPublic(), body, signature)).isTrue();
    byte[] reformatted = "{\"Response\": [{\"Id\": {\"id\": 1561}}]}".getBytes(StandardCharsets.UTF_8);
    assertThat(Signatures.verify(keys.getPublic(), reformatted, signature)).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), body, "not base64!")).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), body, null)).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), body, Base64.getEncoder().encodeToString(new byte[256])))
        .isFalse();
  }

  @Test
  void emptyBodyIsSignedAsZeroBytes() throws Exception {
    String signature = Signatures.sign(keys.getPrivate(), new byte[0]);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(keys.getPublic());
    assertThat(jdk.verify(Base64.getDecoder().decode(signature))).isTrue();
  }

  @Test
  void signatureFromAnotherKeyDoesNotVerify() throws Exception {
    KeyPair other = jdkKeyPair();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(Signatures.verify(keys.getPublic(), body, Signatures.sign(other.getPrivate(), body))).isFalse();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void workerGeneratesSignsAndVerifiesAndCompletesOnTheCallersEventLoop(Vertx vertx, VertxTestContext test) {
    CryptoWorker worker = new CryptoWorker(vertx, "test-crypto", 2);
    byte[] body = "{\"secret\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    vertx.runOnContext(v -> worker.generateKeyPair()
        .compose(pair -> {
          test.verify(() -> assertThat(Thread.currentThread().getName()).contains("eventloop"));
          return worker.sign(pair.getPrivate(), body).compose(sig -> worker.verify(pair.getPublic(), body, sig));
        })
        .onComplete(test.succeeding(valid -> test.verify(() -> {
          assertThat(valid).isTrue();
          test.completeNow();
        }))));
  }

  @Test
  void workerRefusesAnEmptyPool(Vertx vertx) {
    assertThatThrownBy(() -> new CryptoWorker(vertx, "x", 0)).hasMessageContaining("at least 1");
  }
}
