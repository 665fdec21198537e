package com.bunqconnector.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/** bunq's timestamp format: UTC, {@code yyyy-MM-dd HH:mm:ss.SSSSSS}, no zone suffix. */
final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /** What a client may send: the same, with zero to six fraction digits (and then no dot). */
  private static final DateTimeFormatter PARSE = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).optionalEnd()
      .toFormatter().withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  /** The clock's current instant, truncated to the microseconds bunq shows. */
  static Instant now(Clock clock) {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /**
   * A client's timestamp in bunq's format.
   *
   * @throws DateTimeParseException if it is not one
   */
  static Instant parse(String text) {
    return PARSE.parse(text, Instant::from);
  }
}
