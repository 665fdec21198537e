package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallbackTest {

  /** A callback as received: the path it was posted to, its content type and its JSON body. */
  record Received(String path, String contentType, JsonObject body) {
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger flakyAttempts = new AtomicInteger();
  private BunqEmulator emulator;
  private HttpServer receiver;
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    receiver = vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          boolean fail = request.path().equals("/flaky") && flakyAttempts.incrementAndGet() <= 2;
          if (!fail) {
            received.add(new Received(request.path(), request.getHeader("Content-Type"), body.toJsonObject()));
          }
          request.response().setStatusCode(fail ? 503 : 200).end();
        }))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    emulator = Emulators.start(vertx, new EmulatorOptions().setCallbackRetryIntervalMs(50).setCallbackRetries(3));
    alice = TestClient.withSession(emulator.baseUrl());
    bob = TestClient.withSession(emulator.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    Emulators.stop(emulator);
    receiver.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void paymentNotifiesPayerAndPayeeForMutationAndPayment() throws Exception {
    register(alice, "/alice");
    register(bob, "/bob");
    Reply paid = alice.pay(Emulators.payment("5.00", "IBAN", bob.iban, "callbacks").encode());
    long payerPaymentId = paid.item(0, "Id").getLong("id");
    JsonObject payeePayment = bob.get(bob.paymentsPath()).item(0, "Payment");
    JsonObject payerPayment = alice.get(alice.paymentsPath() + "/" + payerPaymentId).item(0, "Payment");

    List<Received> callbacks = take(4);
    assertThat(callbacks)
        .extracting(r -> r.path() + " " + r.body().getJsonObject("NotificationUrl").getString("category")
            + " " + r.body().getJsonObject("NotificationUrl").getString("event_type"))
        .containsExactlyInAnyOrder(
            "/alice MUTATION MUTATION_CREATED", "/alice PAYMENT PAYMENT_CREATED",
            "/bob MUTATION MUTATION_RECEIVED", "/bob PAYMENT PAYMENT_RECEIVED");
    for (Received callback : callbacks) {
      JsonObject notification = callback.body().getJsonObject("NotificationUrl");
      assertThat(callback.contentType()).startsWith("application/json");
      assertThat(callback.body().fieldNames()).containsExactly("NotificationUrl");
      assertThat(notification.fieldNames()).containsExactly("target_url", "category", "event_type", "object");
      assertThat(notification.getString("target_url")).endsWith(callback.path());
      JsonObject expected = callback.path().equals("/alice") ? payerPayment : payeePayment;
      assertThat(notification.getJsonObject("object")).isEqualTo(new JsonObject().put("Payment", expected));
    }
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).as("no extra callbacks").isNull();
  }

  @Test
  void failingTargetIsRetriedUntilItAccepts() throws Exception {
    Reply set = alice.send("POST", "/user/" + alice.userId + "/notification-filter-url", alice.sessionToken,
        filters("MUTATION", targetUrl("/flaky")).encode(), false);
    assertThat(set.status()).isEqualTo(200);
    alice.pay(Emulators.payment("1.00", "IBAN", bob.iban, "retry me").encode());

    Received callback = received.poll(10, TimeUnit.SECONDS);
    assertThat(callback).isNotNull();
    assertThat(callback.path()).isEqualTo("/flaky");
    assertThat(flakyAttempts.get()).isEqualTo(3);
    assertThat(callback.body().getJsonObject("NotificationUrl").getString("event_type")).isEqualTo("MUTATION_CREATED");
  }

  private void register(TestClient client, String path) {
    JsonObject body = new JsonObject().put("notification_filters", new JsonArray()
        .add(new JsonObject().put("category", "PAYMENT").put("notification_target", targetUrl(path)))
        .add(new JsonObject().put("category", "MUTATION").put("notification_target", targetUrl(path))));
    Reply reply = client.send("POST", "/user/" + client.userId + "/notification-filter-url", client.sessionToken,
        body.encode(), true);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
  }

  private String targetUrl(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  static JsonObject filters(String category, String target) {
    return new JsonObject().put("notification_filters", new JsonArray()
        .add(new JsonObject().put("category", category).put("notification_target", target)));
  }

  private List<Received> take(int count) throws InterruptedException {
    List<Received> result = new ArrayList<>();
    while (result.size() < count) {
      Received next = received.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("callback %d of %d", result.size() + 1, count).isNotNull();
      result.add(next);
    }
    return result;
  }
}
