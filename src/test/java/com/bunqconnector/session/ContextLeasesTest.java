package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** One holder at a time per user; others wait on timers, give up after their wait, and outlive a dead holder. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ContextLeasesTest {

  @Test
  void secondCallerRunsOnlyAfterTheFirstReleasesTheLease(Vertx vertx) throws Exception {
    ContextLeases leases = new ContextLeases(vertx, 3_000, 10_000);
    List<String> steps = new CopyOnWriteArrayList<>();
    Promise<String> firstWork = Promise.promise();
    Future<String> first = leases.withLease("acme/alice", () -> {
      steps.add("first starts");
      return firstWork.future();
    });
    Future<String> second = leases.withLease("acme/alice", () -> {
      steps.add("second starts");
      return Future.succeededFuture("second");
    });
    Future<String> other = leases.withLease("acme/bob", () -> Future.succeededFuture("bob"));
    assertThat(other.await(5, TimeUnit.SECONDS)).as("another user's lease is independent").isEqualTo("bob");
    assertThat(steps).containsExactly("first starts");
    steps.add("first ends");
    firstWork.complete("first");
    assertThat(first.await(5, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(second.await(5, TimeUnit.SECONDS)).isEqualTo("second");
    assertThat(steps).containsExactly("first starts", "first ends", "second starts");
  }

  @Test
  void callerGivesUpWithANamedFailureWhenTheLeaseIsHeldPastItsWait(Vertx vertx) throws Exception {
    ContextLeases leases = new ContextLeases(vertx, 3_000, 200);
    Promise<String> never = Promise.promise();
    leases.withLease("acme/alice", never::future);
    Future<String> waiting = leases.withLease("acme/alice", () -> Future.succeededFuture("ran"));
    assertThatThrownBy(() -> waiting.await(5, TimeUnit.SECONDS))
        .isInstanceOf(ContextLeases.LeaseTimeoutException.class)
        .hasMessageContaining("acme/alice")
        .hasMessageContaining("200 ms");
    never.complete("done");
  }

  @Test
  void leaseOfAHolderThatDiedExpiresAndTheNextCallerProceeds(Vertx vertx) throws Exception {
    AsyncMap<String, String> map = vertx.sharedData().<String, String>getAsyncMap(ContextLeases.MAP_NAME)
        .await(5, TimeUnit.SECONDS);
    map.put("acme/alice", "a node that died", 400).await(5, TimeUnit.SECONDS);
    ContextLeases leases = new ContextLeases(vertx, 400, 10_000);
    assertThat(leases.withLease("acme/alice", () -> Future.succeededFuture("ran")).await(5, TimeUnit.SECONDS))
        .isEqualTo("ran");
  }

  @Test
  void leaseIsRenewedWhileLongWorkRunsAndReleasedWhenItFails(Vertx vertx) throws Exception {
    ContextLeases leases = new ContextLeases(vertx, 900, 100);
    Promise<String> slow = Promise.promise();
    leases.withLease("acme/alice", slow::future);
    Promise<Void> pastTwoTtls = Promise.promise();
    vertx.setTimer(2_000, id -> pastTwoTtls.complete());
    pastTwoTtls.future().await(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> leases.withLease("acme/alice", () -> Future.succeededFuture("ran"))
        .await(5, TimeUnit.SECONDS)).as("still held after two lease lifetimes")
        .isInstanceOf(ContextLeases.LeaseTimeoutException.class);
    slow.fail(new IllegalStateException("bunq said no"));
    ContextLeases patient = new ContextLeases(vertx, 900, 5_000);
    assertThat(patient.withLease("acme/alice", () -> Future.succeededFuture("ran")).await(5, TimeUnit.SECONDS))
        .isEqualTo("ran");
  }
}
