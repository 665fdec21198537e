package com.bunqconnector.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The choice of RSA provider, and that the native and the JDK's providers agree on every signature. */
class RsaProviderTest {

  private static final byte[] BODY = "{\"amount\":{\"value\":\"12.50\",\"currency\":\"EUR\"}}"
      .getBytes(StandardCharsets.UTF_8);

  private static RsaProvider accp;
  private static RsaProvider jdk;

  @BeforeAll
  static void providers() {
    jdk = RsaProvider.of(RsaProvider.Choice.JDK);
    boolean linuxX64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64");
    if (linuxX64) {
      accp = RsaProvider.of(RsaProvider.Choice.ACCP);
    }
  }

  private static RsaProvider accp() {
    assumeThat(accp).as("the native provider ships for Linux x86-64 only").isNotNull();
    return accp;
  }

  private static boolean jdkVerifies(KeyPair keys, String signature) throws Exception {
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update(BODY);
    return verifier.verify(Base64.getDecoder().decode(signature));
  }

  @Test
  void nativeProviderLoadsAndIsSelectedOnLinuxX8664() {
    RsaProvider native1 = accp();
    assertThat(native1.name()).isEqualTo("AmazonCorrettoCryptoProvider");
    assertThat(native1.isNative()).isTrue();
    assertThat(native1.shortName()).isEqualTo("accp");
    assertThat(native1.description()).startsWith("AmazonCorrettoCryptoProvider 2.5").contains("native", "AWS-LC");
    assertThat(RsaProvider.selected().name()).isEqualTo("AmazonCorrettoCryptoProvider");
  }

  @Test
  void chosenProviderIsNotInstalledInTheJvm() {
    assertThat(java.security.Security.getProvider(accp().name())).isNull();
  }

  @Test
  void nativeSignaturesVerifyWithTheJdksOwnSignature() throws Exception {
    KeyPair keys = RsaKeys.generate(accp());
    assertThat(jdkVerifies(keys, Signatures.sign(accp, keys.getPrivate(), BODY))).isTrue();
  }

  @Test
  void jdkSignaturesVerifyWithTheNativeProvider() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(keys.getPrivate());
    signer.update(BODY);
    String signature = Base64.getEncoder().encodeToString(signer.sign());
    assertThat(Signatures.verify(accp(), keys.getPublic(), BODY, signature)).isTrue();
    assertThat(Signatures.verify(accp, keys.getPublic(), "{}".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(Signatures.verify(accp, keys.getPublic(), BODY, Base64.getEncoder().encodeToString(new byte[256])))
        .isFalse();
  }

  @Test
  void bothProvidersMakeTheSameSignatureBytes() {
    KeyPair keys = RsaKeys.generate(jdk);
    assertThat(Signatures.sign(accp(), keys.getPrivate(), BODY))
        .isEqualTo(Signatures.sign(jdk, keys.getPrivate(), BODY));
  }

  @Test
  void keyParsedFromPemByBouncyCastleSignsWithTheChosenProvider() throws Exception {
    KeyPair keys = RsaKeys.generate(jdk);
    String pem = RsaKeys.privateKeyToPem(keys.getPrivate());
    PrivateKey plain;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      plain = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
    }
    assertThat(jdkVerifies(keys, Signatures.sign(accp(), plain, BODY))).isTrue();
    PrivateKey parsed = RsaKeys.privateKeyFromPem(pem, accp);
    assertThat(parsed.getClass().getName()).startsWith("com.amazon.corretto");
    assertThat(jdkVerifies(keys, Signatures.sign(accp, parsed, BODY))).isTrue();
  }

  @Test
  void autoFallsBackToTheJdkWhenTheNativeLibraryDoesNotLoad() throws Exception {
    RsaProvider fallback = RsaProvider.choose(RsaProvider.Choice.AUTO,
        () -> new RsaProvider.Probe(null, "its native library did not load (java.lang.UnsatisfiedLinkError: nope)"));
    assertThat(fallback.name()).isEqualTo("SunRsaSign");
    assertThat(fallback.isNative()).isFalse();
    assertThat(fallback.shortName()).isEqualTo("jdk");
    assertThat(fallback.description()).contains("JDK", "not available", "UnsatisfiedLinkError");
    KeyPair keys = RsaKeys.generate(fallback);
    assertThat(jdkVerifies(keys, Signatures.sign(fallback, keys.getPrivate(), BODY))).isTrue();
  }

  @Test
  void askingForTheNativeProviderWhereItFailsIsAClearError() {
    assertThatThrownBy(() -> RsaProvider.choose(RsaProvider.Choice.ACCP,
        () -> new RsaProvider.Probe(null, "its self-tests ended FAILED")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Amazon Corretto Crypto Provider").hasMessageContaining("self-tests ended FAILED");
  }

  @Test
  void jdkChoiceNeverTriesTheNativeProvider() {
    RsaProvider chosen = RsaProvider.choose(RsaProvider.Choice.JDK, () -> {
      throw new AssertionError("probed");
    });
    assertThat(chosen.name()).isEqualTo("SunRsaSign");
    assertThat(chosen.description())
        .isEqualTo("SunRsaSign " + chosen.provider().getVersionStr() + " (JDK, pure Java)");
  }

  @Test
  void choiceReadsAnyCaseDefaultsToAutoAndNamesTheSourceOfABadValue() {
    assertThat(RsaProvider.Choice.parse(" JDK ", "x")).isEqualTo(RsaProvider.Choice.JDK);
    assertThat(RsaProvider.Choice.parse("accp", "x")).isEqualTo(RsaProvider.Choice.ACCP);
    assertThat(RsaProvider.Choice.parse(null, "x")).isEqualTo(RsaProvider.Choice.AUTO);
    assertThatThrownBy(() -> RsaProvider.Choice.parse("openssl", "system property " + RsaProvider.PROPERTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property bunq.crypto.provider is 'openssl'; use auto, accp or jdk");
  }
}
