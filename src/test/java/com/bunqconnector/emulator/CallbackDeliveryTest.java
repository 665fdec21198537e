package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.post;
import static com.bunqconnector.emulator.ResourceCalls.setAccountFilters;
import static com.bunqconnector.emulator.ResourceCalls.setUserFilters;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.CallbackReceiver.Received;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Account-level notification filters and the failed-callback list with its retry. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallbackDeliveryTest {

  /** Upper bound of reads while the emulator files a failure it has just been answered for. */
  private static final int MAX_POLLS = 200;

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setInitialBalance("1000.00")
        .setCallbackRetries(1).setCallbackRetryIntervalMs(20));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;
  @RegisterExtension
  final CallbackReceiver receiver = CallbackReceiver.eachTest(shared.vertx);

  @Test
  void accountFilterReceivesThatAccountsCallbacksOnly() throws Exception {
    long watched = shared.openAccount(alice, null);
    long other = shared.openAccount(alice, null);
    setAccountFilters(alice, watched, receiver.url("/watched"), "MUTATION");
    Reply filters = alice.get(accountPath(alice, watched) + "/notification-filter-url");
    assertThat(filters.item(0, "NotificationFilterUrl").getString("notification_target"))
        .isEqualTo(receiver.url("/watched"));
    assertThat(alice.get(accountPath(alice, other) + "/notification-filter-url").items()).isEmpty();

    pay(bob, SharedEmulator.iban(alice, watched), "1.00");
    pay(bob, SharedEmulator.iban(alice, other), "2.00");
    pay(bob, SharedEmulator.iban(alice, watched), "3.00");

    List<Received> callbacks = receiver.take(2);
    assertThat(callbacks).extracting(Received::summary)
        .containsOnly("/watched MUTATION MUTATION_RECEIVED");
    assertThat(callbacks).extracting(c -> c.object("Payment").getJsonObject("amount").getString("value"))
        .as("nothing for the other account").containsExactlyInAnyOrder("1.00", "3.00");
    assertThat(callbacks).extracting(c -> c.object("Payment").getLong("monetary_account_id"))
        .containsOnly(watched);
  }

  @Test
  void urlOnUserAndAccountLevelIsCalledOncePerEvent() throws Exception {
    TestClient dave = TestClient.withSession(shared.emulator.baseUrl());
    setUserFilters(dave, receiver.url("/same"), "MUTATION");
    setAccountFilters(dave, dave.accountId, receiver.url("/same"), "MUTATION", "PAYMENT");

    pay(dave, bob.iban, "1.00");
    pay(dave, bob.iban, "2.00");
    List<Received> callbacks = receiver.take(4);
    assertThat(callbacks).extracting(c -> c.summary() + " "
        + c.object("Payment").getJsonObject("amount").getString("value"))
        .containsExactlyInAnyOrder(
            "/same MUTATION MUTATION_CREATED -1.00", "/same PAYMENT PAYMENT_CREATED -1.00",
            "/same MUTATION MUTATION_CREATED -2.00", "/same PAYMENT PAYMENT_CREATED -2.00");

    JsonArray three = new JsonArray();
    for (int i = 0; i < 3; i++) {
      three.add(new JsonObject().put("category", "MUTATION").put("notification_target", receiver.url("/" + i)));
    }
    Reply tooMany = post(dave, accountPath(dave) + "/notification-filter-url",
        new JsonObject().put("notification_filters", three));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.errorDescription()).contains("MUTATION");
  }

  @Test
  void failedCallbackIsListedAndARetryDeliversItOnceTheTargetWorks() throws Exception {
    long account = shared.openAccount(alice, null);
    setAccountFilters(alice, account, receiver.url("/down"), "MUTATION");
    receiver.failing("/down", true);
    pay(bob, SharedEmulator.iban(alice, account), "4.00");
    long paymentId = alice.get(accountPath(alice, account) + "/payment").item(0, "Payment").getLong("id");
    receiver.awaitFailedAttempts(2);

    String failures = "/user/" + alice.userId + "/notification-filter-failure";
    JsonObject failure = awaitFailure(failures, paymentId);
    assertThat(failure.getString("category")).isEqualTo("MUTATION");
    assertThat(failure.getString("event_type")).isEqualTo("MUTATION_RECEIVED");
    assertThat(failure.getInteger("response_code")).isEqualTo(503);
    assertThat(failure.getString("exception_message")).contains("503");
    assertThat(failure.getString("notification_target")).isEqualTo(receiver.url("/down"));
    assertThat(failure.getJsonArray("notification_filters").getJsonObject(0).getString("category"))
        .isEqualTo("MUTATION");
    long failureId = failure.getLong("id");
    JsonObject retry = new JsonObject().put("notification_filter_failed_ids", Long.toString(failureId));

    Reply stillDown = post(alice, failures, retry);
    assertThat(stillDown.item(0, "Id").getLong("id")).isEqualTo(failureId);
    receiver.awaitFailedAttempts(1);
    assertThat(awaitFailure(failures, paymentId).getLong("id")).as("a failed retry keeps its id").isEqualTo(failureId);
    assertThat(receiver.attempts("/down")).as("a retry is a single attempt").isEqualTo(3);

    receiver.failing("/down", false);
    assertThat(post(alice, failures, retry).status()).isEqualTo(200);
    Received delivered = receiver.take();
    assertThat(delivered.summary()).isEqualTo("/down MUTATION MUTATION_RECEIVED");
    assertThat(delivered.object("Payment").getLong("id")).isEqualTo(paymentId);
    assertThat(alice.get(failures).items()).isEmpty();

    assertThat(post(alice, failures, retry).status()).as("delivered, so gone").isEqualTo(404);
    assertThat(post(alice, failures, new JsonObject().put("notification_filter_failed_ids", "1,x"))
        .errorDescription()).contains("\"notification_filter_failed_ids\"");
    assertThat(post(alice, failures, new JsonObject()).errorDescription())
        .contains("\"notification_filter_failed_ids\"");
  }

  @Test
  void failureTextsLeaveOutTheTargetsPathWhichMayHoldATokenForLogsAndLists() {
    String target = "http://127.0.0.1:9/callbacks/acme/s3cret-token?user=bob";
    String timeout = CallbackSender.reason(new IllegalStateException(
        "The timeout period of 50ms has been exceeded while executing POST /callbacks/acme/s3cret-token?user=bob"
            + " for server 127.0.0.1:9"), target);
    assertThat(timeout).doesNotContain("s3cret").contains("timeout period");
    assertThat(CallbackSender.reason(new IllegalStateException("bad " + target), target)).isEqualTo("bad <target>");
    assertThat(CallbackSender.reason(new IllegalStateException(), target)).isEqualTo("IllegalStateException");
  }

  /** Reads the failure list until it holds the failure for {@code objectId}; bounded. */
  private JsonObject awaitFailure(String path, long objectId) {
    for (int i = 0; i < MAX_POLLS; i++) {
      Reply reply = alice.get(path);
      for (int j = 0; j < reply.items().size(); j++) {
        JsonObject failure = reply.item(j, "NotificationFilterFailure");
        if (failure.getLong("object_id") == objectId) {
          return failure;
        }
      }
    }
    throw new AssertionError("no failure for object " + objectId + " after " + MAX_POLLS + " reads");
  }

  private static void pay(TestClient payer, String iban, String value) {
    Reply reply = payer.pay(Emulators.payment(value, "IBAN", iban, "callback test").encode());
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
  }
}
