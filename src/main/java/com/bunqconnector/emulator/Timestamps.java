package com.bunqconnector.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** bunq's timestamp format: UTC, {@code yyyy-MM-dd HH:mm:ss.SSSSSS}, no zone suffix. */
final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  /** The clock's current instant, truncated to the microseconds bunq shows. */
  static Instant now(Clock clock) {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  static String format(Instant instant) {
    return FORMAT.format(instant);
  }
}
