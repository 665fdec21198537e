package com.bunqconnector.emulator;

import java.math.BigInteger;

/**
 * Dutch bunq IBANs: {@code NL} + two ISO 13616 check digits + {@code BUNQ} + a 10-digit account
 * number that also passes the Dutch "elfproef" (weighted sum 10..1 divisible by 11), as real
 * bunq account numbers do (e.g. {@code NL86BUNQ2025105541}).
 */
final class Iban {

  private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

  private Iban() {
  }

  /** Builds the IBAN for a 10-digit bunq account number, computing the mod-97 check digits. */
  static String forAccountNumber(String tenDigits) {
    if (!tenDigits.matches("\\d{10}")) {
      throw new IllegalArgumentException("account number must be 10 digits, was " + tenDigits);
    }
    String bban = "BUNQ" + tenDigits;
    int check = 98 - mod97(bban + "NL00");
    return String.format("NL%02dBUNQ%s", check, tenDigits);
  }

  /** Whether the text is a syntactically valid IBAN whose mod-97 check holds. */
  static boolean isValid(String iban) {
    if (iban == null) {
      return false;
    }
    String compact = iban.replace(" ", "").toUpperCase();
    if (!compact.matches("[A-Z]{2}\\d{2}[A-Z0-9]{10,30}")) {
      return false;
    }
    return mod97(compact.substring(4) + compact.substring(0, 4)) == 1;
  }

  /** Whether a 10-digit Dutch account number passes the elfproef. */
  static boolean passesElfproef(String tenDigits) {
    int sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += (tenDigits.charAt(i) - '0') * (10 - i);
    }
    return sum % 11 == 0;
  }

  /** The first elfproef-valid account number at or after {@code start}. */
  static long nextValidAccountNumber(long start) {
    long candidate = start;
    while (!passesElfproef(String.format("%010d", candidate))) {
      candidate++;
    }
    return candidate;
  }

  private static int mod97(String rearranged) {
    StringBuilder digits = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      digits.append(Character.isLetter(c) ? String.valueOf(c - 'A' + 10) : String.valueOf(c));
    }
    return new BigInteger(digits.toString()).mod(NINETY_SEVEN).intValue();
  }
}
