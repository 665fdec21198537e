package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.testing.ChildJvm;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code run} command in a child JVM with a data directory, killed with SIGKILL while bunq's
 * callbacks arrive and are delivered, then started again on the same directory: every callback the
 * first node answered 200 reaches the demo consumer, in the first run or the second. bunq (a
 * standalone emulator in this JVM) reaches the node through a recording proxy, which notes each
 * callback the node acknowledged, and the first node is killed the moment the proxy notes the
 * last of them, so some (one or two, typically) are still undelivered then.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KillDuringDeliveryTest {

  /** Callbacks acknowledged before the first node is killed. */
  private static final int ACKED_BEFORE_KILL = 12;
  private static final Pattern DELIVERED = Pattern.compile(
      "Callback at \\S+ tenant=\\S+ user=\\S+ category=(\\S+) event=(\\S+) object=(\\S+) id=(\\S+) amount=");

  @TempDir
  Path conf;

  @RegisterExtension
  final StandaloneEmulator bunq = new StandaloneEmulator();

  private final List<ChildJvm> children = new ArrayList<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final CountDownLatch enoughAcked = new CountDownLatch(ACKED_BEFORE_KILL);
  private Vertx vertx;
  private HttpClient forward;
  private int nodePort;

  @BeforeEach
  void startProxy() throws Exception {
    vertx = Vertx.vertx();
    forward = vertx.createHttpClient();
    try (ServerSocket socket = new ServerSocket(0)) {
      nodePort = socket.getLocalPort();
    }
    HttpServer proxy = vertx.createHttpServer().requestHandler(this::relay).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    bunq.shippedConfigIn(conf,
        "\"http\": {\n    \"host\": \"127.0.0.1\",\n    \"port\": 0",
        "\"http\": {\n    \"host\": \"127.0.0.1\",\n    \"port\": " + nodePort,
        "\"publicBaseUrl\": null", "\"publicBaseUrl\": \"http://127.0.0.1:" + proxy.actualPort() + "\"");
  }

  @AfterEach
  void stop() throws Exception {
    for (ChildJvm child : children) {
      child.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Passes a callback on to the node and its answer back; notes the event when the node answered 200. */
  private void relay(HttpServerRequest request) {
    request.body()
        .compose(body -> forward.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(nodePort).setURI(request.uri()).putHeader("Content-Type", "application/json"))
            .compose(out -> out.send(body))
            .compose(response -> response.body().map(answer -> {
              if (response.statusCode() == 200) {
                acked.add(key(new JsonObject(body)));
                enoughAcked.countDown();
              }
              return request.response().setStatusCode(response.statusCode()).end(answer);
            })))
        .onFailure(e -> request.response().setStatusCode(502).end("the node is not reachable: " + e));
  }

  /** An event as the demo consumer logs it: category, event type, object type and the object's id. */
  private static String key(JsonObject body) {
    JsonObject notification = body.getJsonObject("NotificationUrl");
    JsonObject object = notification.getJsonObject("object");
    String type = object.fieldNames().iterator().next();
    return notification.getString("category") + " " + notification.getString("event_type") + " " + type + " "
        + object.getJsonObject(type).getValue("id");
  }

  private ChildJvm run(String duration) throws IOException {
    ChildJvm child = ChildJvm.start(Main.class, null, List.of(), "run", "--conf", conf.toString(), "--data-dir",
        conf.resolve("data").toString(), "--duration", duration);
    children.add(child);
    return child;
  }

  private static Set<String> delivered(String output) {
    Set<String> events = new HashSet<>();
    Matcher line = DELIVERED.matcher(output);
    while (line.find()) {
      events.add(line.group(1) + " " + line.group(2) + " " + line.group(3) + " " + line.group(4));
    }
    return events;
  }

  @Test
  void everyCallbackAcknowledgedBeforeAKillIsDeliveredAfterTheRestart() throws Exception {
    ChildJvm first = run("120s");
    assertThat(enoughAcked.await(150, TimeUnit.SECONDS))
        .as(ACKED_BEFORE_KILL + " callbacks acknowledged; output:\n" + first.output()).isTrue();
    String killed = first.kill();
    Set<String> ackedByFirst = Set.copyOf(acked);

    ChildJvm second = run("8s");
    String output = second.finish(150, TimeUnit.SECONDS);
    assertThat(second.exitValue()).as("exit code; output:\n" + output).isZero();

    Set<String> delivered = delivered(killed);
    delivered.addAll(delivered(output));
    assertThat(ackedByFirst).hasSizeGreaterThanOrEqualTo(ACKED_BEFORE_KILL);
    assertThat(delivered).as("delivered in either run; first run:\n" + killed + "\nsecond run:\n" + output)
        .containsAll(ackedByFirst);
  }
}
