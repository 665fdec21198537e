package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IbanTest {

  @Test
  void reproducesARealBunqIban() {
    assertThat(Iban.forAccountNumber("2025105541")).isEqualTo("NL86BUNQ2025105541");
    assertThat(Iban.passesElfproef("2025105541")).isTrue();
  }

  @Test
  void generatedIbansAreUniqueAndPassAnIndependentMod97Check() {
    Set<String> seen = new HashSet<>();
    long next = 2_025_100_000L;
    for (int i = 0; i < 200; i++) {
      next = Iban.nextValidAccountNumber(next + 1);
      String iban = Iban.forAccountNumber(String.format("%010d", next));
      assertThat(iban).matches("NL\\d{2}BUNQ\\d{10}");
      assertThat(independentMod97(iban)).as(iban).isEqualTo(1);
      assertThat(seen.add(iban)).isTrue();
    }
  }

  @Test
  void validatesForeignIbansAndRejectsBadCheckDigits() {
    assertThat(Iban.isValid("NL91ABNA0417164300")).isTrue();
    assertThat(Iban.isValid("DE89370400440532013000")).isTrue();
    assertThat(Iban.isValid("NL00BUNQ0000000000")).isFalse();
    assertThat(Iban.isValid("garbage")).isFalse();
    assertThatThrownBy(() -> Iban.forAccountNumber("123")).isInstanceOf(IllegalArgumentException.class);
  }

  private static int independentMod97(String iban) {
    String moved = iban.substring(4) + iban.substring(0, 4);
    StringBuilder numeric = new StringBuilder();
    moved.chars().forEach(c -> numeric.append(Character.digit(c, 36)));
    return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
  }
}
