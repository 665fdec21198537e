package com.bunqconnector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.EmulatorSeed;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.SessionStore;
import com.bunqconnector.session.UserSpec;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three connector nodes in a real Hazelcast cluster on 127.0.0.1, sharing one egress IP (all
 * call from 127.0.0.1), against an emulator that enforces GET 3 per 900 ms per endpoint and does
 * not retry: together the nodes stay within the limit, and without the shared limiter the same
 * burst is refused. Retries are off so that any 429 would fail a call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterRateLimitTest {

  private static final int CALLS_PER_NODE = 4;
  private static final long WINDOW_MS = 900;

  private static Vertx bunqSide;
  private static BunqEmulator emulator;
  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<BunqClient> limited = new ArrayList<>();
  private static final List<BunqClient> unlimited = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    bunqSide = Vertx.vertx();
    emulator = BunqEmulator.start(bunqSide, new EmulatorOptions()
        .setSeed(EmulatorSeed.EMPTY.withGeneratedPersons(1))
        .setRateLimits(new RateLimitOptions().setGetCalls(3).setGetWindowMs(WINDOW_MS)
            .setSessionServerCalls(100))).await(30, TimeUnit.SECONDS);
    String apiKey = emulator.seededUsers().get(0).apiKey();
    TestClusters cluster = TestClusters.create();
    byte[] masterKey = new byte[SecretBox.KEY_BYTES];
    new SecureRandom().nextBytes(masterKey);
    for (int i = 0; i < 3; i++) {
      Vertx vertx = cluster.join();
      nodes.add(vertx);
      CryptoWorker crypto = new CryptoWorker(vertx, "limit-test-crypto", 2);
      SessionManager sessions = new SessionManager(new SessionStore(vertx, new SecretBox(masterKey.clone())),
          new ContextFactory(new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
              BunqHttp.DEFAULT_MAX_RESPONSE_BYTES), crypto));
      sessions.register(new UserSpec("acme", "alice", emulator.baseUrl(), apiKey, List.of(), false));
      CallLimiter limiter = CallLimiter.of(vertx, "shared-ip", Map.of(HttpMethod.GET,
          new CallLimiter.Limit(3, WINDOW_MS)), 150, 30_000, 100, Clock.systemUTC());
      limited.add(new BunqClient(sessions, new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
          BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, limiter, RetryPolicy.NONE)));
      unlimited.add(new BunqClient(sessions, new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
          BunqHttp.DEFAULT_MAX_RESPONSE_BYTES, CallLimiter.unlimited(), RetryPolicy.NONE)));
    }
    limited.get(0).context("acme", "alice").await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close().await(30, TimeUnit.SECONDS);
    }
    if (bunqSide != null) {
      bunqSide.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static List<Future<BunqResponse>> burst(List<BunqClient> clients, String path) {
    List<Future<BunqResponse>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS_PER_NODE; i++) {
      for (BunqClient client : clients) {
        calls.add(client.call(new ApiCall("acme", "alice", HttpMethod.GET, path, Map.of(), null)));
      }
    }
    Future.join(calls).otherwiseEmpty().await();
    return calls;
  }

  @Test
  void threeNodesSharingAnEgressIpStayWithinBunqsLimitTogether() {
    List<Future<BunqResponse>> calls = burst(limited, "/user/{userId}/monetary-account-bank");
    List<String> failures = calls.stream().filter(Future::failed).map(call -> call.cause().getMessage()).toList();
    assertThat(failures).as("no call of the three nodes was refused by bunq").isEmpty();
  }

  @Test
  void theSameBurstWithoutTheSharedLimiterIsRefusedByBunq() {
    List<Future<BunqResponse>> calls = burst(unlimited, "/user/{userId}/monetary-account");
    assertThat(calls.stream().filter(Future::failed).map(Future::cause))
        .as("the emulator enforces the limit, so the test above can fail")
        .anySatisfy(failure -> assertThat(((BunqApiException) failure).status()).isEqualTo(429));
  }
}
