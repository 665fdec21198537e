package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.api.BunqHttp;
import com.bunqconnector.api.ContextFactory;
import com.bunqconnector.api.SessionPacer;
import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.emulator.BunqEmulator;
import com.bunqconnector.emulator.EmulatorOptions;
import com.bunqconnector.emulator.RateLimitOptions;
import com.bunqconnector.testing.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two connector nodes in a real Hazelcast cluster on 127.0.0.1 (conf/cluster.xml with a cluster
 * name of their own) share one emulator: a context is created once cluster-wide, a dead session
 * is replaced once for both nodes, both nodes draw session-server slots from one pacer, and a
 * tenant with one key pair for all users gets the same pair on both nodes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterContextsTest {

  private static final int CALLS_PER_NODE = 25;

  /** One connector node's session stack. */
  private record Node(Vertx vertx, ContextFactory factory, SessionManager sessions, SessionPacer pacer) {
  }

  private static Vertx bunqSide;
  private static BunqEmulator emulator;
  private static Node first;
  private static Node second;

  @BeforeAll
  static void start() throws Exception {
    bunqSide = Vertx.vertx();
    emulator = BunqEmulator.start(bunqSide, new EmulatorOptions()
        .setRateLimits(new RateLimitOptions().setEnabled(false))).await(30, TimeUnit.SECONDS);
    TestClusters cluster = TestClusters.create();
    byte[] masterKey = new byte[SecretBox.KEY_BYTES];
    new SecureRandom().nextBytes(masterKey);
    first = node(cluster, masterKey);
    second = node(cluster, masterKey);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Node node : new Node[] {second, first}) {
      if (node != null) {
        node.vertx().close().await(30, TimeUnit.SECONDS);
      }
    }
    if (bunqSide != null) {
      bunqSide.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Node node(TestClusters cluster, byte[] masterKey) throws Exception {
    Vertx vertx = cluster.join();
    CryptoWorker crypto = new CryptoWorker(vertx, "cluster-test-crypto", 2);
    BunqHttp http = new BunqHttp(vertx, vertx.createHttpClient(), crypto, 10_000,
        BunqHttp.DEFAULT_MAX_RESPONSE_BYTES);
    SessionPacer pacer = SessionPacer.of(vertx, "cluster-test", 150, 60_000, Clock.systemUTC());
    SecretBox box = new SecretBox(masterKey.clone());
    ContextFactory factory = new ContextFactory(http, crypto, Clock.systemUTC(), pacer, new TenantKeys(vertx, box));
    SessionManager sessions = new SessionManager(new SessionStore(vertx, box), factory);
    return new Node(vertx, factory, sessions, pacer);
  }

  private static void register(String user) {
    for (Node node : List.of(first, second)) {
      node.sessions().register(new UserSpec("acme", user, emulator.baseUrl(), null, List.of(), true));
    }
  }

  private static long total(ToLongFunction<ContextFactory> count) {
    return count.applyAsLong(first.factory()) + count.applyAsLong(second.factory());
  }

  @Test
  void fiftyConcurrentCallsOnTwoNodesMakeOneInstallationAndOneSession() throws Exception {
    register("alice");
    long installations = total(ContextFactory::installationsCreated);
    long sessionsBefore = total(ContextFactory::sessionsCreated);
    List<Future<SessionContext>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS_PER_NODE; i++) {
      calls.add(first.sessions().context("acme", "alice"));
      calls.add(second.sessions().context("acme", "alice"));
    }
    Future.all(calls).await(60, TimeUnit.SECONDS);
    Set<String> tokens = calls.stream().map(call -> call.result().sessionToken()).collect(Collectors.toSet());
    assertThat(tokens).as("every caller on both nodes got the same session").hasSize(1);
    assertThat(total(ContextFactory::installationsCreated) - installations).isEqualTo(1);
    assertThat(total(ContextFactory::sessionsCreated) - sessionsBefore).isEqualTo(1);
    assertThat(first.sessions().createdCount() + second.sessions().createdCount()).isEqualTo(1);
  }

  @Test
  void sessionBunqDeclaredDeadIsReplacedOnceForBothNodes() throws Exception {
    register("bob");
    SessionContext original = first.sessions().context("acme", "bob").await(60, TimeUnit.SECONDS);
    assertThat(emulator.faults().expireSession(original.sessionToken()).await(10, TimeUnit.SECONDS)).isTrue();
    long sessionsBefore = total(ContextFactory::sessionsCreated);
    long installations = total(ContextFactory::installationsCreated);
    List<Future<SessionContext>> renewals = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      renewals.add(first.sessions().renewAfterRefusal("acme", "bob", original.sessionToken()));
      renewals.add(second.sessions().renewAfterRefusal("acme", "bob", original.sessionToken()));
    }
    Future.all(renewals).await(60, TimeUnit.SECONDS);
    Set<String> tokens = renewals.stream().map(call -> call.result().sessionToken()).collect(Collectors.toSet());
    assertThat(tokens).hasSize(1).doesNotContain(original.sessionToken());
    assertThat(total(ContextFactory::sessionsCreated) - sessionsBefore).as("one session-server call").isEqualTo(1);
    assertThat(total(ContextFactory::installationsCreated)).as("the installation was kept").isEqualTo(installations);
    SessionContext seenBySecond = second.sessions().context("acme", "bob").await(10, TimeUnit.SECONDS);
    assertThat(seenBySecond.sessionToken()).isEqualTo(tokens.iterator().next());
    assertThat(seenBySecond.installationToken()).isEqualTo(original.installationToken());
  }

  @Test
  void usersOfATenantWithOneKeyPairShareItAcrossNodes() throws Exception {
    List<Future<SessionContext>> contexts = new ArrayList<>();
    for (String user : List.of("erin", "frank", "grace", "heidi")) {
      for (Node node : List.of(first, second)) {
        node.sessions().register(new UserSpec("globex", user, emulator.baseUrl(), null, List.of(), true, true));
      }
      Node caller = contexts.size() % 2 == 0 ? first : second;
      contexts.add(caller.sessions().context("globex", user));
    }
    Future.all(contexts).await(60, TimeUnit.SECONDS);
    Set<String> keys = contexts.stream()
        .map(context -> RsaKeys.privateKeyToPem(context.result().clientPrivateKey())).collect(Collectors.toSet());
    Set<String> installations = contexts.stream()
        .map(context -> context.result().installationToken()).collect(Collectors.toSet());
    assertThat(keys).as("one key pair for the tenant").hasSize(1);
    assertThat(installations).as("still one installation per user").hasSize(4);
  }

  @Test
  void bothNodesDrawSessionServerSlotsFromOnePacer() throws Exception {
    SessionPacer strictFirst = SessionPacer.of(first.vertx(), "one-ip", 60_000, 0, Clock.systemUTC());
    SessionPacer strictSecond = SessionPacer.of(second.vertx(), "one-ip", 60_000, 0, Clock.systemUTC());
    strictFirst.slot("acme/carol").await(10, TimeUnit.SECONDS);
    Future<Void> refused = strictSecond.slot("acme/dave");
    Throwable failure = null;
    try {
      refused.await(10, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).as("the other node's slot was taken by the first node").isNotNull()
        .hasMessageContaining("egress group one-ip");
  }
}
