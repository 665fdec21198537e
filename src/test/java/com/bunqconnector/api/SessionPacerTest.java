package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Session-server slots handed out one interval apart, first come first served, refused past the longest wait. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionPacerTest {

  /** The pacer judges slots by this clock; timers still wait in real time, so intervals stay short. */
  private final Clock frozen = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void concurrentCallersGetSlotsOneIntervalApart(Vertx vertx) throws Exception {
    SessionPacer pacer = SessionPacer.of(vertx, "office", 100, 10_000, frozen);
    List<Future<Void>> slots = List.of(pacer.slot("acme/alice"), pacer.slot("acme/bob"), pacer.slot("acme/carol"));
    Future.all(slots).await(10, TimeUnit.SECONDS);
    assertThat(pacer.pacedCount()).isEqualTo(3);
    assertThat(pacer.waitedMillis()).as("waits of 0, 100 and 200 ms").isEqualTo(300);
  }

  @Test
  void callerWhoseSlotIsBeyondTheLongestWaitIsRefusedAtOnceWithoutTakingASlot(Vertx vertx) throws Exception {
    SessionPacer pacer = SessionPacer.of(vertx, "office", 60_000, 0, frozen);
    pacer.slot("acme/alice").await(5, TimeUnit.SECONDS);
    Throwable refused = catchFailure(pacer.slot("acme/bob"));
    assertThat(refused).isInstanceOf(BunqApiException.class);
    BunqApiException failure = (BunqApiException) refused;
    assertThat(failure.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(failure.getMessage()).contains("acme/bob", "egress group office", "60000 ms");
    assertThat(pacer.pacedCount()).as("refusals take no slot").isEqualTo(1);
  }

  @Test
  void pacersOfOneGroupShareTheirSlotsAndOtherGroupsDoNot(Vertx vertx) throws Exception {
    SessionPacer first = SessionPacer.of(vertx, "office", 60_000, 0, frozen);
    SessionPacer second = SessionPacer.of(vertx, "office", 60_000, 0, frozen);
    SessionPacer elsewhere = SessionPacer.of(vertx, "datacentre", 60_000, 0, frozen);
    first.slot("acme/alice").await(5, TimeUnit.SECONDS);
    assertThat(catchFailure(second.slot("acme/bob"))).isInstanceOf(BunqApiException.class);
    elsewhere.slot("acme/carol").await(5, TimeUnit.SECONDS);
    assertThat(elsewhere.pacedCount()).isEqualTo(1);
  }

  @Test
  void unpacedPacerNeverWaits() {
    SessionPacer pacer = SessionPacer.unpaced();
    for (int i = 0; i < 5; i++) {
      assertThat(pacer.slot("acme/alice").succeeded()).isTrue();
    }
  }

  private static Throwable catchFailure(Future<Void> future) {
    try {
      future.await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    return null;
  }
}
