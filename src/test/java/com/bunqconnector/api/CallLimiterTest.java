package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate limiter's bookings, on a clock that stands still (so slot times are exact and waits
 * are short real timers): calls to one endpoint get distinct slots one interval apart, endpoints
 * and methods do not share slots, and the two queue bounds refuse at once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallLimiterTest {

  private static final long NOW = 1_800_000_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  private CallLimiter limiter(Vertx vertx, long maxWaitMs, int maxQueued) {
    return CallLimiter.of(vertx, "test", Map.of(HttpMethod.GET, new CallLimiter.Limit(3, 30),
        HttpMethod.POST, new CallLimiter.Limit(5, 50)), 2, maxWaitMs, maxQueued, clock);
  }

  private static List<Long> book(CallLimiter limiter, HttpMethod method, String path, int calls) {
    List<Future<Long>> slots = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      slots.add(limiter.slot(method, path));
    }
    Future.all(slots).await();
    return slots.stream().map(Future::result).sorted().toList();
  }

  @Test
  void callsToOneEndpointGetDistinctSlotsOneIntervalApart(Vertx vertx) {
    List<Long> slots = book(limiter(vertx, 10_000, 100), HttpMethod.GET, "/user/1/monetary-account", 6);
    assertThat(slots).doesNotHaveDuplicates();
    for (int i = 1; i < slots.size(); i++) {
      assertThat(slots.get(i) - slots.get(i - 1)).as("window / calls + margin").isEqualTo(12);
    }
    assertThat(slots.get(0)).isGreaterThanOrEqualTo(NOW);
  }

  @Test
  void endpointsAndMethodsDoNotShareSlots(Vertx vertx) {
    CallLimiter limiter = limiter(vertx, 10_000, 100);
    long first = book(limiter, HttpMethod.GET, "/user/1/monetary-account", 1).get(0);
    assertThat(book(limiter, HttpMethod.GET, "/user/2/monetary-account", 1).get(0)).isEqualTo(first);
    assertThat(book(limiter, HttpMethod.POST, "/user/1/monetary-account", 1).get(0)).isLessThanOrEqualTo(first);
  }

  @Test
  void twoLimitersOnOneVertxShareTheBookings(Vertx vertx) {
    List<Long> slots = new ArrayList<>(book(limiter(vertx, 10_000, 100), HttpMethod.GET, "/user/1/payment", 3));
    slots.addAll(book(limiter(vertx, 10_000, 100), HttpMethod.GET, "/user/1/payment", 3));
    assertThat(slots).as("a second limiter of the group sees the first one's slots").doesNotHaveDuplicates();
  }

  @Test
  void methodsWithoutALimitGoAtOnce(Vertx vertx) {
    assertThat(limiter(vertx, 10_000, 100).slot(HttpMethod.DELETE, "/session/1").await()).isZero();
    assertThat(CallLimiter.unlimited().slot(HttpMethod.GET, "/user").await()).isZero();
  }

  @Test
  void callWhoseSlotIsBeyondTheLongestWaitIsRefusedAtOnce(Vertx vertx) {
    CallLimiter limiter = limiter(vertx, 30, 100);
    List<Future<Long>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(limiter.slot(HttpMethod.GET, "/user/1/monetary-account"));
    }
    Future.join(calls).otherwiseEmpty().await();
    List<Throwable> refused = calls.stream().filter(Future::failed).map(Future::cause).toList();
    assertThat(calls.stream().filter(Future::succeeded).count()).as("slots within 30 ms, 12 ms apart").isEqualTo(3);
    assertThat(refused).hasSize(3).allSatisfy(failure -> {
      assertThat(((BunqApiException) failure).code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(failure.getMessage()).contains("GET /user/1/monetary-account", "no free slot within 30 ms");
    });
  }

  @Test
  void callerWhoseDeadlineComesBeforeEveryFreeSlotFailsAtOnceAndTakesNone(Vertx vertx) {
    CallLimiter limiter = limiter(vertx, 10_000, 100);
    long first = book(limiter, HttpMethod.GET, "/user/1/payment", 1).get(0);
    Future<Long> hurried = limiter.slot(HttpMethod.GET, "/user/1/payment", first + 12);
    assertThatThrownBy(() -> hurried.await()).isInstanceOfSatisfying(BunqApiException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.delivery()).isEqualTo(BunqApiException.Delivery.NOT_SENT);
      assertThat(e.getMessage()).contains("GET /user/1/payment", "free before the caller's deadline");
    });
    assertThat(limiter.slot(HttpMethod.GET, "/user/1/payment", first + 13).await())
        .as("a deadline just after the next slot's start gets that slot").isEqualTo(first + 12);
    assertThat(book(limiter, HttpMethod.GET, "/user/1/payment", 1).get(0)).isEqualTo(first + 24);
  }

  @Test
  void callBeyondTheNodesQueueBoundIsRefusedAtOnce(Vertx vertx) {
    // Slots of 502 ms, the clock just past a slot's start: both queued calls wait about half a second
    // and a second, so they are still waiting when the third call comes.
    long slot = 502;
    Clock justPastASlot = Clock.fixed(Instant.ofEpochMilli(NOW / slot * slot + 1), ZoneOffset.UTC);
    CallLimiter limiter = CallLimiter.of(vertx, "test", Map.of(HttpMethod.GET, new CallLimiter.Limit(1, 500)), 2,
        10_000, 2, justPastASlot);
    Future<Long> first = limiter.slot(HttpMethod.GET, "/a");
    Future<Long> second = limiter.slot(HttpMethod.GET, "/a");
    Future<Long> third = limiter.slot(HttpMethod.GET, "/a");
    assertThatThrownBy(() -> third.await())
        .isInstanceOf(BunqApiException.class).hasMessageContaining("already holds 2 calls waiting");
    Future.all(first, second).await();
    assertThat(limiter.queued()).isZero();
  }

  @Test
  void badSettingsAreRefusedNamingThem(Vertx vertx) {
    assertThatThrownBy(() -> new CallLimiter.Limit(0, 3_000)).hasMessageContaining("calls >= 1");
    assertThatThrownBy(() -> CallLimiter.of(vertx, " ", Map.of(), 0, 0, 1, clock))
        .hasMessageContaining("egress group");
    assertThatThrownBy(() -> CallLimiter.of(vertx, "g", Map.of(), 0, 0, 0, clock))
        .hasMessageContaining("maxQueued >= 1");
  }
}
