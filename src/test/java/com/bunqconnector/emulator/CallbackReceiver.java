package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local HTTP server that stands in for a callback target: it records every callback it accepts
 * and counts every attempt per path. Paths marked failing answer 503 and record nothing.
 *
 * <p>Either started and closed by the test itself, or made by {@link #eachTest} for a test class's
 * {@code @RegisterExtension} field: then it listens from before each test and is closed after it.
 */
final class CallbackReceiver implements BeforeEachCallback, AfterEachCallback {

  /** A callback as accepted: the path it was posted to and its JSON body. */
  record Received(String path, JsonObject body) {

    JsonObject notification() {
      return body.getJsonObject("NotificationUrl");
    }

    String category() {
      return notification().getString("category");
    }

    String eventType() {
      return notification().getString("event_type");
    }

    /** The object under its wrapper key, e.g. {@code object("Payment")}. */
    JsonObject object(String type) {
      JsonObject wrapper = notification().getJsonObject("object");
      assertThat(wrapper.fieldNames()).containsExactly(type);
      return wrapper.getJsonObject(type);
    }

    /** {@code "<path> <category> <event_type>"}, for compact assertions. */
    String summary() {
      return path + " " + category() + " " + eventType();
    }
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  /** Signals each attempt on a failing path, so a test can wait for the last one. */
  private final BlockingQueue<String> failedAttempts = new LinkedBlockingQueue<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  private CallbackReceiver(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static CallbackReceiver start(Vertx vertx) throws Exception {
    CallbackReceiver receiver = new CallbackReceiver(vertx);
    receiver.listen();
    return receiver;
  }

  /** A receiver on {@code vertx} that listens only while a test runs; see the class comment. */
  static CallbackReceiver eachTest(Vertx vertx) {
    return new CallbackReceiver(vertx);
  }

  private void listen() throws Exception {
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    listen();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      attempts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      boolean fail = failing.contains(path);
      if (fail) {
        failedAttempts.add(path);
      } else {
        received.add(new Received(path, body.toJsonObject()));
      }
      request.response().setStatusCode(fail ? 503 : 200).end();
    });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Makes the path answer 503 (or 200 again). */
  void failing(String path, boolean fail) {
    if (fail) {
      failing.add(path);
    } else {
      failing.remove(path);
    }
  }

  int attempts(String path) {
    AtomicInteger count = attempts.get(path);
    return count == null ? 0 : count.get();
  }

  /** Blocks until {@code count} attempts on failing paths have been answered 503. */
  void awaitFailedAttempts(int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      assertThat(failedAttempts.poll(10, TimeUnit.SECONDS)).as("failed attempt %d of %d", i + 1, count).isNotNull();
    }
  }

  Received take() throws InterruptedException {
    Received next = received.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("a callback").isNotNull();
    return next;
  }

  List<Received> take(int count) throws InterruptedException {
    List<Received> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Received next = received.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("callback %d of %d", i + 1, count).isNotNull();
      result.add(next);
    }
    return result;
  }

  void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
