package com.bunqconnector.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private final SecretBox box = SecretBox.ephemeral();

  @Test
  void sealedValueOpensForItsOwnPlaceOnly() {
    String sealed = box.seal("ce717e3001d979ff5e22bac13508b46e", "acme/alice#sessionToken");
    assertThat(sealed).startsWith("v1:").doesNotContain("ce717e30");
    assertThat(box.open(sealed, "acme/alice#sessionToken")).isEqualTo("ce717e3001d979ff5e22bac13508b46e");
    assertThatThrownBy(() -> box.open(sealed, "acme/bob#sessionToken")).isInstanceOf(SealedSecretException.class)
        .hasMessageContaining("acme/bob#sessionToken").hasMessageNotContaining("ce717e30");
  }

  @Test
  void eachSealUsesAFreshNonce() {
    assertThat(box.seal("same", "x")).isNotEqualTo(box.seal("same", "x"));
  }

  @Test
  void anotherKeyCannotOpenAndSaysWhichKeyItHas() {
    String sealed = box.seal("secret", "acme/alice#apiKey");
    SecretBox other = SecretBox.ephemeral();
    assertThatThrownBy(() -> other.open(sealed, "acme/alice#apiKey")).isInstanceOf(SealedSecretException.class)
        .hasMessageContaining(other.fingerprint()).hasMessageContaining("another key");
  }

  @Test
  void alteredOrForeignValuesAreRefused() {
    String sealed = box.seal("secret", "c");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
    raw[raw.length - 1] ^= 1;
    String altered = "v1:" + Base64.getEncoder().encodeToString(raw);
    assertThatThrownBy(() -> box.open(altered, "c")).isInstanceOf(SealedSecretException.class);
    assertThatThrownBy(() -> box.open("secret", "c")).hasMessageContaining("is not sealed");
    assertThatThrownBy(() -> box.open("v1:!!", "c")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> box.open("v1:AAAA", "c")).hasMessageContaining("too short");
  }

  @Test
  void masterKeysAre32BytesOfBase64() {
    byte[] key = new byte[32];
    assertThat(new SecretBox(SecretBox.decodeKey(Base64.getEncoder().encodeToString(key) + "\n", "env X"))
        .fingerprint()).hasSize(8);
    assertThatThrownBy(() -> SecretBox.decodeKey("not base64!", "env X")).hasMessageContaining("env X is not base64");
    assertThatThrownBy(() -> SecretBox.decodeKey("AAAA", "env X")).hasMessageContaining("holds 3 bytes");
    assertThatThrownBy(() -> new SecretBox(new byte[16])).hasMessageContaining("16 bytes");
  }
}
