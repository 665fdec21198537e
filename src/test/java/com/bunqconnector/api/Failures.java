package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;

/** Waits for a call that must fail, for the api tests. */
final class Failures {

  private Failures() {
  }

  /** The {@link BunqApiException} the call failed with; fails the test if it succeeded or failed otherwise. */
  static BunqApiException failure(Future<BunqResponse> call) {
    Throwable failure = call.map(r -> (Throwable) null).otherwise(e -> e).await();
    assertThat(failure).isInstanceOf(BunqApiException.class);
    return (BunqApiException) failure;
  }
}
