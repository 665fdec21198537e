package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.image;
import static com.bunqconnector.emulator.ResourceCalls.pdf;
import static com.bunqconnector.emulator.ResourceCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.conformance.ApiConformance;
import com.bunqconnector.conformance.BunqOpenApi;
import com.bunqconnector.conformance.Operation;
import com.bunqconnector.conformance.Violation;
import com.bunqconnector.emulator.Psd2Certificates.Qseal;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint the emulator serves answers as bunq's OpenAPI document describes: the emulator is
 * driven with the independent {@link TestClient}, and each success body is checked by
 * {@link ApiConformance} (the envelope, then each {@code Response[i].<Type>} unwrapped and
 * validated against the operation's schema for that type, strictly). The validator is
 * vertx-json-schema; why that library and not vertx-openapi or networknt's validator, and what
 * "strictly" means, is in {@code com.bunqconnector.conformance.BunqOpenApi}. Where bunq's
 * document is wrong about bunq, {@code com.bunqconnector.conformance.KnownDeviations} says what
 * is checked instead.
 *
 * <p>Adding an endpoint is one row of {@link #ENDPOINTS}: the operation's method and path template
 * as they appear in bunq's document, and the call that makes the emulator answer it. Error
 * bodies are checked too ({@link #REFUSALS}): bunq's {@code GenericError} for any 4xx.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulatorConformanceTest {

  /**
   * The users the rows call as: alice has paid bob and an outside IBAN, and has callback filters
   * ({@code filters}, a request body) pointing at a local sink that answers 200.
   */
  private record Fixture(String base, TestClient alice, TestClient bob, long paymentId, String filters,
      long batchId, long draftId, long inquiryId, long responseId) {

    String user() {
      return "/user/" + alice.userId;
    }

    String account() {
      return user() + "/monetary-account/" + alice.accountId;
    }
  }

  /** One endpoint: the operation in bunq's document and a call that gets a 200 from the emulator. */
  private record Endpoint(String method, String template, Function<Fixture, Reply> call) {

    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  /** A push or e-mail filter body. */
  private static final String CATEGORIES = new JsonObject().put("notification_filters", new JsonArray()
      .add(new JsonObject().put("category", "MUTATION"))).encode();

  /** A PUT card body: activate, with limits and a new second line. */
  private static final String CARD_UPDATE = new JsonObject().put("status", "ACTIVE")
      .put("card_limit", new JsonObject().put("value", "250.00").put("currency", "EUR"))
      .put("card_limit_atm", new JsonObject().put("value", "50.00").put("currency", "EUR"))
      .put("second_line", "Conformance").encode();

  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("POST", "/sandbox-user-person",
          f -> new TestClient(f.base()).send("POST", "/sandbox-user-person", null, "", false)),
      new Endpoint("POST", "/installation", f -> new TestClient(f.base()).install()),
      new Endpoint("POST", "/device-server", f -> registeredDevice(f.base()).reply()),
      new Endpoint("POST", "/session-server", f -> {
        Registered device = registeredDevice(f.base());
        return device.client().openSession(device.apiKey());
      }),
      new Endpoint("POST", "/payment-service-provider-credential", f -> psd2Credential(f.base(), false)),
      new Endpoint("GET", "/payment-service-provider-credential/{itemId}", f -> psd2Credential(f.base(), true)),
      new Endpoint("GET", "/user", f -> f.alice().get("/user")),
      new Endpoint("GET", "/user/{itemId}", f -> f.alice().get(f.user())),
      new Endpoint("GET", "/user/{userID}/monetary-account", f -> f.alice().get(f.user() + "/monetary-account")),
      new Endpoint("GET", "/user/{userID}/monetary-account/{itemId}", f -> f.alice().get(f.account())),
      new Endpoint("GET", "/user/{userID}/monetary-account-bank",
          f -> f.alice().get(f.user() + "/monetary-account-bank")),
      new Endpoint("GET", "/user/{userID}/monetary-account-bank/{itemId}",
          f -> f.alice().get(f.user() + "/monetary-account-bank/" + f.alice().accountId)),
      new Endpoint("POST", "/user/{userID}/monetary-account/{monetary-accountID}/payment",
          f -> f.alice().pay(Emulators.payment("0.01", "IBAN", f.bob().iban, "conformance").encode())),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/payment",
          f -> f.alice().get(f.account() + "/payment")),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/payment/{itemId}",
          f -> f.alice().get(f.account() + "/payment/" + f.paymentId())),
      new Endpoint("POST", "/user/{userID}/monetary-account/{monetary-accountID}/payment-batch",
          f -> f.alice().send("POST", f.account() + "/payment-batch", f.alice().sessionToken, batch(f.bob()), true)),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/payment-batch",
          f -> f.alice().get(f.account() + "/payment-batch")),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/payment-batch/{itemId}",
          f -> f.alice().get(f.account() + "/payment-batch/" + f.batchId())),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/draft-payment/{itemId}",
          f -> f.alice().get(f.account() + "/draft-payment/" + f.draftId())),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/request-inquiry/{itemId}",
          f -> f.alice().get(f.account() + "/request-inquiry/" + f.inquiryId())),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/request-response/{itemId}",
          f -> f.bob().get("/user/" + f.bob().userId + "/monetary-account/" + f.bob().accountId
              + "/request-response/" + f.responseId())),
      new Endpoint("POST", "/user/{userID}/notification-filter-url",
          f -> f.alice().send("POST", f.user() + "/notification-filter-url", f.alice().sessionToken, f.filters(),
              false)),
      new Endpoint("GET", "/user/{userID}/notification-filter-url",
          f -> f.alice().get(f.user() + "/notification-filter-url")),
      new Endpoint("POST", "/user/{userID}/notification-filter-push",
          f -> f.alice().send("POST", f.user() + "/notification-filter-push", f.alice().sessionToken, CATEGORIES,
              false)),
      new Endpoint("GET", "/user/{userID}/notification-filter-push",
          f -> f.alice().get(f.user() + "/notification-filter-push")),
      new Endpoint("POST", "/user/{userID}/notification-filter-email",
          f -> f.alice().send("POST", f.user() + "/notification-filter-email", f.alice().sessionToken, CATEGORIES,
              false)),
      new Endpoint("GET", "/user/{userID}/notification-filter-email",
          f -> f.alice().get(f.user() + "/notification-filter-email")),
      new Endpoint("POST", "/attachment-public", f -> uploadImage(f.alice())),
      new Endpoint("GET", "/attachment-public/{itemId}",
          f -> f.alice().get("/attachment-public/" + uuid(uploadImage(f.alice())))),
      new Endpoint("POST", "/avatar", f -> avatar(f.alice())),
      new Endpoint("GET", "/avatar/{itemId}", f -> f.alice().get("/avatar/" + uuid(avatar(f.alice())))),
      new Endpoint("POST", "/user/{userID}/monetary-account/{monetary-accountID}/attachment",
          f -> upload(f.alice(), f.account() + "/attachment", pdf(64), "application/pdf", "conformance", true)),
      new Endpoint("GET", "/user/{userID}/card-name", f -> f.alice().get(f.user() + "/card-name")),
      new Endpoint("POST", "/user/{userID}/card-debit", f -> orderCard(f)),
      new Endpoint("GET", "/user/{userID}/card", f -> {
        orderCard(f);
        return f.alice().get(f.user() + "/card");
      }),
      new Endpoint("GET", "/user/{userID}/card/{itemId}", f -> f.alice().get(card(f))),
      new Endpoint("PUT", "/user/{userID}/card/{itemId}",
          f -> f.alice().send("PUT", card(f), f.alice().sessionToken, CARD_UPDATE, false)),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/mastercard-action/{itemId}",
          f -> f.alice().get(f.account() + "/mastercard-action/" + cardPayment(f))),
      new Endpoint("GET", "/user/{userID}/monetary-account/{monetary-accountID}/mastercard-action", f -> {
        cardPayment(f);
        return f.alice().get(f.account() + "/mastercard-action");
      }));

  /** A request body the emulator takes (a 200), which must be valid against the operation's request schema. */
  private record RequestBody(String method, String template, Function<Fixture, String> body) {

    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  private static final List<RequestBody> REQUEST_BODIES = List.of(
      new RequestBody("POST", "/user/{userID}/card-debit", f -> cardOrder(f).encode()),
      new RequestBody("PUT", "/user/{userID}/card/{itemId}", f -> CARD_UPDATE));

  /** A call bunq refuses, and the 4xx it answers with; its body must be bunq's error envelope. */
  private record Refusal(String what, int status, Function<Fixture, Reply> call) {

    @Override
    public String toString() {
      return status + " for " + what;
    }
  }

  private static final List<Refusal> REFUSALS = List.of(
      new Refusal("an installation key that is not PEM", 400, f -> new TestClient(f.base()).install("not a key")),
      new Refusal("a call without a session token", 403,
          f -> new TestClient(f.base()).send("GET", "/user", null, "", false)),
      new Refusal("a call with an installation token", 401,
          f -> f.alice().send("GET", "/user", f.alice().installationToken, "", false)),
      new Refusal("an unknown monetary account", 404, f -> f.alice().get(f.user() + "/monetary-account-bank/1")),
      new Refusal("a payment beyond the balance", 400,
          f -> f.alice().pay(Emulators.payment("99999.00", "IBAN", f.bob().iban, "too much").encode())),
      new Refusal("an unsigned payment", 466, f -> f.alice().send("POST", f.account() + "/payment",
          f.alice().sessionToken, Emulators.payment("0.01", "IBAN", f.bob().iban, "unsigned").encode(), false)),
      new Refusal("an unknown card", 404, f -> f.alice().get(f.user() + "/card/1")),
      new Refusal("a name card-name does not offer", 400, f -> f.alice().send("POST", f.user() + "/card-debit",
          f.alice().sessionToken, cardOrder(f).put("name_on_card", "Nobody Known").encode(), false)));

  private static final BunqOpenApi API = BunqOpenApi.shared();
  private static final ApiConformance CONFORMANCE = new ApiConformance(API);

  private static Vertx vertx;
  private static BunqEmulator emulator;
  private static Fixture fixture;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    emulator = Emulators.start(vertx, new EmulatorOptions());
    HttpServer sink = vertx.createHttpServer().requestHandler(request -> request.response().end())
        .listen(0, "127.0.0.1").await(15, TimeUnit.SECONDS);
    String target = "http://127.0.0.1:" + sink.actualPort() + "/callbacks";
    String filters = new JsonObject().put("notification_filters", new JsonArray()
        .add(new JsonObject().put("category", "MUTATION").put("notification_target", target))
        .add(new JsonObject().put("category", "PAYMENT").put("notification_target", target)))
        .encode();
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    Reply internal = alice.pay(Emulators.payment("1.00", "IBAN", bob.iban, "to bob").encode());
    Reply external = alice.pay(Emulators.payment("2.00", "IBAN", "NL91ABNA0417164300", "to a stranger").encode());
    Reply bunqTo = alice.pay(Emulators.payment("0.50", "EMAIL", "stranger@example.com", "via bunq.to").encode());
    Reply registered = alice.send("POST", "/user/" + alice.userId + "/notification-filter-url", alice.sessionToken,
        filters, false);
    Reply batch = alice.send("POST", "/user/" + alice.userId + "/monetary-account/" + alice.accountId
        + "/payment-batch", alice.sessionToken, batch(bob), true);
    String account = "/user/" + alice.userId + "/monetary-account/" + alice.accountId;
    Reply draft = alice.send("POST", account + "/draft-payment", alice.sessionToken, new JsonObject()
        .put("number_of_required_accepts", 1)
        .put("entries", new JsonArray().add(Emulators.payment("0.03", "IBAN", bob.iban, "scheduled")))
        .put("schedule", new JsonObject().put("time_start", "2031-01-01 08:00:00").put("recurrence_unit", "WEEKLY")
            .put("recurrence_size", 1)).encode(), false);
    Reply inquiry = alice.send("POST", account + "/request-inquiry", alice.sessionToken, new JsonObject()
        .put("amount_inquired", new JsonObject().put("value", "0.04").put("currency", "EUR"))
        .put("counterparty_alias", new JsonObject().put("type", "IBAN").put("value", bob.iban).put("name", "Bob"))
        .put("description", "with address").put("allow_bunqme", false).put("require_address", "BILLING").encode(),
        false);
    String responses = "/user/" + bob.userId + "/monetary-account/" + bob.accountId + "/request-response";
    long responseId = bob.get(responses).item(0, "RequestResponse").getLong("id");
    Reply answered = bob.send("PUT", responses + "/" + responseId, bob.sessionToken, new JsonObject()
        .put("status", "ACCEPTED").put("address_billing", new JsonObject().put("street", "Naritaweg")
            .put("house_number", "131").put("postal_code", "1043 BS").put("city", "Amsterdam").put("country", "NL"))
        .encode(), true);
    for (Reply reply : List.of(internal, external, bunqTo, registered, batch, draft, inquiry, answered)) {
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }
    fixture = new Fixture(emulator.baseUrl(), alice, bob, external.item(0, "Id").getLong("id"), filters,
        batch.item(0, "Id").getLong("id"), draft.item(0, "Id").getLong("id"), inquiry.item(0, "Id").getLong("id"),
        responseId);
  }

  @AfterAll
  static void stop() throws Exception {
    Emulators.stop(emulator);
    if (vertx != null) {
      vertx.close().await(15, TimeUnit.SECONDS);
    }
  }

  static List<Endpoint> endpoints() {
    return ENDPOINTS;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void successBodyConformsToBunqsDocument(Endpoint endpoint) {
    Operation operation = API.operation(endpoint.method(), endpoint.template());
    Reply reply = endpoint.call().apply(fixture);
    assertThat(reply.status()).as("%s answered %s", endpoint, reply.text()).isEqualTo(200);
    assertThat(reply.items()).as("%s answered no items to check", endpoint).isNotEmpty();
    List<Violation> violations = CONFORMANCE.response(operation, reply.json());
    assertThat(violations).as("%s: the emulator's answer breaks bunq's document: %s%nanswer: %s", endpoint,
        Violation.describe(violations), reply.text()).isEmpty();
  }

  static List<Refusal> refusals() {
    return REFUSALS;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void errorBodyConformsToBunqsDocument(Refusal refusal) {
    Reply reply = refusal.call().apply(fixture);
    assertThat(reply.status()).as("%s answered %s", refusal, reply.text()).isEqualTo(refusal.status());
    List<Violation> violations = CONFORMANCE.error(reply.json());
    assertThat(violations).as("%s: the emulator's error breaks bunq's document: %s%nanswer: %s", refusal,
        Violation.describe(violations), reply.text()).isEmpty();
  }

  /**
   * The content endpoints answer the file itself, as their operations' descriptions say ("the binary
   * representation of a file, without any JSON wrapping"); the JSON schema bunq's document gives them
   * (an array of empty objects) describes no body at all, so the bytes and their type are checked.
   */
  @Test
  void contentEndpointsAnswerTheRawFile() {
    byte[] png = image("png", 2, 2);
    String uuid = uuid(upload(fixture.alice(), "/attachment-public", png, "image/png", "content", false));
    API.operation("GET", "/attachment-public/{attachment-publicUUID}/content");
    Reply image = fixture.alice().get("/attachment-public/" + uuid + "/content");
    assertThat(image.status()).as(image.text()).isEqualTo(200);
    assertThat(image.raw()).isEqualTo(png);
    assertThat(image.header("Content-Type")).isEqualTo("image/png");

    byte[] pdf = pdf(64);
    long id = upload(fixture.alice(), fixture.account() + "/attachment", pdf, "application/pdf", "content", false)
        .item(0, "Id").getLong("id");
    API.operation("GET", "/user/{userID}/monetary-account/{monetary-accountID}/attachment/{attachmentID}/content");
    Reply document = fixture.alice().get(fixture.account() + "/attachment/" + id + "/content");
    assertThat(document.status()).as(document.text()).isEqualTo(200);
    assertThat(document.raw()).isEqualTo(pdf);
    assertThat(document.header("Content-Type")).isEqualTo("application/pdf");
  }

  /** Uploads a small PNG as a public attachment, signed as the SDKs sign it. */
  private static Reply uploadImage(TestClient client) {
    return upload(client, "/attachment-public", image("png", 2, 2), "image/png", "conformance", true);
  }

  /** An avatar of a freshly uploaded image. */
  private static Reply avatar(TestClient client) {
    return client.send("POST", "/avatar", client.sessionToken,
        new JsonObject().put("attachment_public_uuid", uuid(uploadImage(client))).encode(), true);
  }

  private static String uuid(Reply created) {
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.item(0, "Uuid").getString("uuid");
  }

  static List<RequestBody> requestBodies() {
    return REQUEST_BODIES;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestBodies")
  void requestBodyTheEmulatorTakesConformsToBunqsDocument(RequestBody request) {
    Operation operation = API.operation(request.method(), request.template());
    List<Violation> violations = CONFORMANCE.request(operation, Buffer.buffer(request.body().apply(fixture)));
    assertThat(violations).as("%s: the body breaks bunq's document: %s", request, Violation.describe(violations))
        .isEmpty();
  }

  /** A card-debit body for alice: a name card-name offers, and her first account's PIN. */
  private static JsonObject cardOrder(Fixture f) {
    String name = f.alice().get(f.user() + "/card-name").item(0, "CardUserNameArray")
        .getJsonArray("possible_card_name_array").getString(0);
    return new JsonObject().put("second_line", "Conformance").put("name_on_card", name).put("type", "MASTERCARD")
        .put("product_type", "MASTERCARD_DEBIT").put("pin_code_assignment", new JsonArray().add(new JsonObject()
            .put("type", "PRIMARY").put("routing_type", "MANUAL").put("monetary_account_id", f.alice().accountId)));
  }

  private static Reply orderCard(Fixture f) {
    return f.alice().send("POST", f.user() + "/card-debit", f.alice().sessionToken, cardOrder(f).encode(), false);
  }

  /** The path of a card alice has just ordered. */
  private static String card(Fixture f) {
    return f.user() + "/card/" + orderCard(f).item(0, "CardDebit").getLong("id");
  }

  /** Simulates a card payment on alice's first account; returns the MasterCardAction's id. */
  private static long cardPayment(Fixture f) {
    try {
      return emulator.simulateCardPayment(f.alice().accountId, "0.05", "Conformance Shop", "NL", false)
          .await(15, TimeUnit.SECONDS).getLong("id");
    } catch (Exception e) {
      throw new IllegalStateException("the card payment failed", e);
    }
  }

  /** A payment-batch body as the SDKs send it: two payments, to bob and to an outside IBAN. */
  private static String batch(TestClient bob) {
    return new JsonObject().put("payments", new JsonArray()
        .add(Emulators.payment("0.01", "IBAN", bob.iban, "batch one"))
        .add(Emulators.payment("0.02", "IBAN", "NL91ABNA0417164300", "batch two"))).encode();
  }

  /**
   * A PSD2 credential for a fresh test certificate: the registration's answer, or with {@code read} the
   * credential read back once its token opened a session (so active, with its device).
   */
  private static Reply psd2Credential(String base, boolean read) {
    TestClient client = new TestClient(base);
    Qseal qseal = Psd2Certificates.valid("CN=Conformance PISP", Instant.now());
    if (!read) {
      client.install();
      return Psd2Certificates.register(client, qseal.body(client));
    }
    long id = Psd2Certificates.withSession(client, qseal).getLong("id");
    return client.get("/payment-service-provider-credential/" + id);
  }

  /** A fresh sandbox user with an installation and a device registered for its API key. */
  private record Registered(TestClient client, String apiKey, Reply reply) {
  }

  private static Registered registeredDevice(String base) {
    TestClient client = new TestClient(base);
    String apiKey = client.createSandboxUser();
    client.install();
    return new Registered(client, apiKey, client.registerDevice(apiKey));
  }
}
