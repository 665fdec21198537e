package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.amount;
import static com.bunqconnector.emulator.ResourceCalls.create;
import static com.bunqconnector.emulator.ResourceCalls.pointer;
import static com.bunqconnector.emulator.ResourceCalls.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An emulator with a data directory keeps what clients rely on across a restart, and saves before it answers. */
class DurableStateTest extends DurableEmulatorTestBase {

  private static final String REDIRECT = "https://app.example/callback";
  private static final EmulatorSeed SEED = new EmulatorSeed(new JsonObject("""
      {"users": [
         {"kind": "company", "displayName": "App Maker B.V."},
         {"kind": "person", "displayName": "Grace Granter"}],
       "oauthClients": [{"clientId": "durable-client", "clientSecret": "durable-secret",
         "redirectUris": ["https://app.example/callback"], "owner": "App Maker B.V."}]}"""));

  @Test
  void restartedEmulatorKeepsSessionsServerKeysMoneyAndIds() throws Exception {
    emulator = start(0, SEED);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    Reply paid = alice.pay(Emulators.payment("12.50", "IBAN", bob.iban, "before the restart").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    long paymentId = paid.item(0, "Id").getLong("id");
    JsonObject paymentBefore = alice.get(alice.paymentsPath() + "/" + paymentId).item(0, "Payment");
    List<SeededUser> seeded = emulator.seededUsers();
    List<SeededOauthClient> clients = emulator.seededOauthClients();

    emulator = restart(emulator, SEED);

    Reply payment = alice.get(alice.paymentsPath() + "/" + paymentId);
    assertThat(payment.status()).as(payment.text()).isEqualTo(200);
    assertThat(alice.serverSignatureValid(payment)).as("signed with the key the installation returned").isTrue();
    assertThat(payment.item(0, "Payment")).isEqualTo(paymentBefore);
    assertThat(alice.balance()).isEqualTo("87.50");
    assertThat(bob.balance()).isEqualTo("112.50");
    Reply again = alice.pay(Emulators.payment("2.50", "IBAN", bob.iban, "after the restart").encode());
    assertThat(again.status()).as(again.text()).isEqualTo(200);
    assertThat(again.item(0, "Id").getLong("id")).isGreaterThan(paymentId);
    assertThat(alice.get(alice.paymentsPath()).items()).hasSize(2);
    assertThat(bob.balance()).isEqualTo("115.00");
    assertThat(emulator.seededUsers()).isEqualTo(seeded);
    assertThat(emulator.seededOauthClients()).isEqualTo(clients);

    TestClient bobAgain = TestClient.withSession(emulator.baseUrl(), bob.apiKey);
    assertThat(bobAgain.userId).as("a sandbox user made at run time keeps its API key").isEqualTo(bob.userId);
    TestClient carol = TestClient.withSession(emulator.baseUrl());
    assertThat(carol.userId).isGreaterThan(again.item(0, "Id").getLong("id"));
    assertThat(carol.iban).isNotIn(alice.iban, bob.iban);
  }

  @Test
  void restartedEmulatorKeepsOauthGrantsRequestsDraftsCardsAndEvents() throws Exception {
    emulator = start(0, SEED);
    OauthFlow oauth = new OauthFlow(emulator);
    SeededUser granter = emulator.seededUsers().get(1);
    String code = oauth.code("durable-client", REDIRECT, "s", Long.toString(granter.userId()));
    String accessToken = oauth.token(code, REDIRECT, "durable-client", "durable-secret").json()
        .getString("access_token");
    TestClient app = TestClient.withSession(emulator.baseUrl(), accessToken);
    String appFilters = "/user/" + app.userId + "/notification-filter-url";
    ResourceCalls.setFilters(app, appFilters, "https://app.example/hook", "PAYMENT");
    String appPush = "/user/" + app.userId + "/notification-filter-push";
    assertThat(ResourceCalls.post(app, appPush, new JsonObject().put("notification_filters", new JsonArray()
        .add(new JsonObject().put("category", "PAYMENT")))).status()).isEqualTo(200);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    String inquiries = accountPath(alice) + "/request-inquiry";
    long inquiry = create(alice, inquiries, new JsonObject().put("amount_inquired", amount("4.00"))
        .put("counterparty_alias", pointer("IBAN", bob.iban, "Bob")).put("description", "lunch")
        .put("allow_bunqme", false));
    String drafts = accountPath(alice) + "/draft-payment";
    long draft = create(alice, drafts, new JsonObject().put("number_of_required_accepts", 1)
        .put("entries", new JsonArray().add(new JsonObject().put("amount", amount("3.00"))
            .put("counterparty_alias", pointer("IBAN", bob.iban, "Bob")).put("description", "drafted"))));
    JsonObject card = emulator.simulateCardPayment(alice.accountId, "1.25", "Bakkerij Bart", "NL", false)
        .await(10, TimeUnit.SECONDS);
    JsonObject inquiryBefore = read(alice, inquiries + "/" + inquiry, "RequestInquiry");
    String cardPath = accountPath(alice) + "/mastercard-action/" + card.getLong("id");
    JsonObject cardBefore = read(alice, cardPath, "MasterCardAction");
    JsonArray aliceEvents = alice.get("/user/" + alice.userId + "/event").items();
    JsonArray bobEvents = bob.get("/user/" + bob.userId + "/event").items();

    emulator = restart(emulator, SEED);

    assertThat(app.get("/user").item(0, "UserApiKey").getLong("id")).isEqualTo(app.userId);
    assertThat(read(alice, inquiries + "/" + inquiry, "RequestInquiry")).isEqualTo(inquiryBefore);
    assertThat(read(alice, cardPath, "MasterCardAction")).isEqualTo(cardBefore);
    assertThat(alice.get("/user/" + alice.userId + "/event").items()).isEqualTo(aliceEvents);
    assertThat(bob.get("/user/" + bob.userId + "/event").items()).isEqualTo(bobEvents);
    assertThat(app.get(appFilters).item(0, "NotificationFilterUrl").getString("notification_target"))
        .isEqualTo("https://app.example/hook");
    assertThat(app.get(appPush).item(0, "NotificationFilterPush").getString("category")).isEqualTo("PAYMENT");
    JsonObject accepted = emulator.acceptDraftPayment(draft).await(10, TimeUnit.SECONDS);
    assertThat(accepted.getString("status")).isEqualTo("ACCEPTED");
    assertThat(alice.balance()).isEqualTo("95.75");
    TestClient secondApp = TestClient.withSession(emulator.baseUrl(), accessToken);
    assertThat(secondApp.userId).as("the access token still opens sessions").isEqualTo(app.userId);
  }

  /**
   * What format version 3 added: payment batches, push and e-mail filters, the addresses of paid
   * requests, the schedules of drafts (OAuth apps' filters: above); and a bunq.to payment, a Payment
   * like any other in the journal, keeps its bunqto fields.
   */
  @Test
  void restartedEmulatorKeepsPaymentBatchesFiltersAndRequestAddresses() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    String batches = accountPath(alice) + "/payment-batch";
    Reply batch = alice.send("POST", batches, alice.sessionToken, new JsonObject().put("payments", new JsonArray()
        .add(Emulators.payment("1.00", "IBAN", bob.iban, "one"))
        .add(Emulators.payment("2.00", "IBAN", bob.iban, "two"))).encode(), true);
    assertThat(batch.status()).as(batch.text()).isEqualTo(200);
    String batchPath = batches + "/" + batch.item(0, "Id").getLong("id");
    JsonObject batchBefore = read(alice, batchPath, "PaymentBatch");
    String push = "/user/" + alice.userId + "/notification-filter-push";
    String email = "/user/" + alice.userId + "/notification-filter-email";
    JsonObject categories = new JsonObject().put("notification_filters", new JsonArray()
        .add(new JsonObject().put("category", "MUTATION")));
    assertThat(ResourceCalls.post(alice, push, categories).status()).isEqualTo(200);
    assertThat(ResourceCalls.post(alice, email, categories).status()).isEqualTo(200);
    JsonArray pushBefore = alice.get(push).items();
    String inquiries = accountPath(alice) + "/request-inquiry";
    long inquiry = create(alice, inquiries, new JsonObject().put("amount_inquired", amount("1.00"))
        .put("counterparty_alias", pointer("IBAN", bob.iban, "Bob")).put("description", "with address")
        .put("allow_bunqme", false).put("require_address", "BILLING"));
    String response = accountPath(bob) + "/request-response/"
        + bob.get(accountPath(bob) + "/request-response").item(0, "RequestResponse").getLong("id");
    Reply accepted = ResourceCalls.put(bob, response, new JsonObject().put("status", "ACCEPTED")
        .put("address_billing", new JsonObject().put("street", "Naritaweg").put("house_number", "131")
            .put("postal_code", "1043 BS").put("city", "Amsterdam").put("country", "NL")), true);
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    JsonObject inquiryBefore = read(alice, inquiries + "/" + inquiry, "RequestInquiry");
    assertThat(inquiryBefore.getJsonObject("address_billing")).isNotNull();
    Reply bunqTo = alice.pay(Emulators.payment("0.50", "EMAIL", "stranger@example.com", "bunq.to").encode());
    String bunqToPath = alice.paymentsPath() + "/" + bunqTo.item(0, "Id").getLong("id");
    JsonObject bunqToBefore = read(alice, bunqToPath, "Payment");
    assertThat(bunqToBefore.getString("bunqto_status")).isEqualTo("PENDING");
    String draftPath = accountPath(alice) + "/draft-payment/" + create(alice, accountPath(alice) + "/draft-payment",
        new JsonObject().put("number_of_required_accepts", 1)
            .put("entries", new JsonArray().add(Emulators.payment("1.00", "IBAN", bob.iban, "scheduled")))
            .put("schedule", new JsonObject().put("time_start", "2031-01-01 08:00:00")
                .put("recurrence_unit", "DAILY").put("recurrence_size", 3)));
    JsonObject draftBefore = read(alice, draftPath, "DraftPayment");
    assertThat(draftBefore.getJsonObject("schedule").getInteger("recurrence_size")).isEqualTo(3);

    emulator = restart(emulator, EmulatorSeed.EMPTY);

    assertThat(read(alice, inquiries + "/" + inquiry, "RequestInquiry")).isEqualTo(inquiryBefore);
    assertThat(read(alice, bunqToPath, "Payment")).isEqualTo(bunqToBefore);
    assertThat(read(alice, draftPath, "DraftPayment")).isEqualTo(draftBefore);
    assertThat(read(bob, response, "RequestResponse").getJsonObject("address_billing"))
        .isEqualTo(inquiryBefore.getJsonObject("address_billing"));

    assertThat(read(alice, batchPath, "PaymentBatch")).isEqualTo(batchBefore);
    assertThat(alice.get(batches).items()).hasSize(1);
    assertThat(alice.get(push).items()).isEqualTo(pushBefore).hasSize(1);
    assertThat(alice.get(email).items()).hasSize(1);
  }

  /**
   * A real crash: the emulator command in its own JVM, killed with SIGKILL right after its answers,
   * without a chance to stop. The session, the key and the payment it confirmed are all there.
   */
  @Test
  void killedEmulatorProcessKeepsEveryAnsweredChange() throws Exception {
    EmulatorProcess first = EmulatorProcess.start(dir, 0);
    TestClient alice;
    long paymentId;
    try {
      alice = TestClient.withSession(first.baseUrl, first.apiKey);
      alice.loadAccount();
      Reply paid = alice.pay(Emulators.payment("7.25", "IBAN", "NL91ABNA0417164300", "before the kill").encode());
      assertThat(paid.status()).as(paid.text()).isEqualTo(200);
      paymentId = paid.item(0, "Id").getLong("id");
    } finally {
      first.kill();
    }

    EmulatorProcess second = EmulatorProcess.start(dir, first.port);
    try {
      assertThat(second.apiKey).isEqualTo(first.apiKey);
      Reply payment = alice.get(alice.paymentsPath() + "/" + paymentId);
      assertThat(payment.status()).as(payment.text()).isEqualTo(200);
      assertThat(alice.serverSignatureValid(payment)).isTrue();
      assertThat(alice.balance()).isEqualTo("492.75");
    } finally {
      second.kill();
    }
  }

  @Test
  void seedAppliesToAFreshDirectoryOnly() throws Exception {
    emulator = start(0, SEED);
    List<SeededUser> first = emulator.seededUsers();
    EmulatorSeed bigger = SEED.withGeneratedPersons(3);

    emulator = restart(emulator, bigger);

    assertThat(emulator.seededUsers()).isEqualTo(first);
    TestClient grace = TestClient.withSession(emulator.baseUrl(), first.get(1).apiKey());
    assertThat(grace.userId).isEqualTo(first.get(1).userId());
  }

  @Test
  void everyAnsweredChangeIsInTheFileEvenUnderConcurrentCalls() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Reply>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String body = Emulators.payment("1.00", "IBAN", bob.iban, "concurrent " + i).encode();
        calls.add(CompletableFuture.supplyAsync(() -> alice.pay(body), pool));
      }
      for (CompletableFuture<Reply> call : calls) {
        assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }

    JsonObject saved = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
    assertThat(SavedState.read(dir).getJsonArray("sessions")).hasSize(2);
    String journal = Files.readString(dir.resolve(StateFile.JOURNAL_NAME));
    assertThat(Files.size(dir.resolve(StateFile.JOURNAL_NAME))).isEqualTo(saved.getLong("journalLength"));
    long alicePayments = journal.lines().map(JsonObject::new).filter(e -> e.containsKey("payment"))
        .filter(e -> e.getJsonObject("payment").getLong("accountId") == alice.accountId).count();
    assertThat(alicePayments).isEqualTo(24);
  }

  @Test
  void callWhoseChangeCannotBeSavedGets500AndTheNextSaveCatchesUp() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    Path blocker = Files.createDirectories(dir.resolve(StateFile.FILE_NAME + ".tmp"));
    Files.writeString(blocker.resolve("keeps-the-directory"), "x");

    Reply unsaved = alice.pay(Emulators.payment("5.00", "IBAN", bob.iban, "not saved").encode());
    assertThat(unsaved.status()).isEqualTo(500);
    assertThat(unsaved.errorDescription()).isEqualTo(Replies.UNSAVED);

    Files.delete(blocker.resolve("keeps-the-directory"));
    Files.delete(blocker);
    Reply saved = alice.pay(Emulators.payment("1.00", "IBAN", bob.iban, "saved").encode());
    assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    emulator = restart(emulator, EmulatorSeed.EMPTY);
    assertThat(alice.get(alice.paymentsPath()).items()).hasSize(2);
    assertThat(alice.balance()).isEqualTo("94.00");
  }

  @Test
  void refusedCallsCauseNoWrite() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    payOut(alice, "1.00", "saved");
    byte[] state = readBytes(dir.resolve(StateFile.FILE_NAME));
    byte[] journal = readBytes(dir.resolve(StateFile.JOURNAL_NAME));

    assertThat(alice.pay(Emulators.payment("-1.00", "IBAN", "NL91ABNA0417164300", "bad").encode()).status())
        .isEqualTo(400);
    assertThat(alice.send("POST", "/user/" + alice.userId + "/monetary-account/1/payment", alice.sessionToken,
        Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "nowhere").encode(), true).status()).isEqualTo(404);
    assertThat(alice.send("POST", alice.paymentsPath(), "not-a-session-token",
        Emulators.payment("1.00", "IBAN", "NL91ABNA0417164300", "who").encode(), true).status())
        .as("refused as unauthorised").isBetween(400, 499);

    assertThat(readBytes(dir.resolve(StateFile.FILE_NAME))).as("state file untouched").isEqualTo(state);
    assertThat(readBytes(dir.resolve(StateFile.JOURNAL_NAME))).as("journal untouched").isEqualTo(journal);
  }

  @Test
  void installationsAndEndedSessionsAreWrittenOnceToTheJournal() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    long firstSession = alice.sessionId;
    assertThat(alice.openSession(alice.apiKey).status()).as("a new session ends the first").isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      payOut(alice, "1.00", "p" + i);
    }

    JsonObject saved = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
    assertThat(saved.containsKey("installations")).isFalse();
    assertThat(saved.containsKey("endedSessions")).isFalse();
    List<JsonObject> entries = Files.readString(dir.resolve(StateFile.JOURNAL_NAME)).lines().map(JsonObject::new)
        .toList();
    assertThat(entries.stream().filter(e -> e.containsKey("installation")))
        .extracting(e -> e.getJsonObject("installation").getString("token")).containsExactly(alice.installationToken);
    assertThat(entries.stream().filter(e -> e.containsKey("endedSession")))
        .extracting(e -> e.getJsonObject("endedSession").getLong("id")).containsExactly(firstSession);

    emulator = restart(emulator, EmulatorSeed.EMPTY);
    Reply user = alice.get("/user");
    assertThat(user.status()).as(user.text()).isEqualTo(200);
    assertThat(alice.serverSignatureValid(user)).isTrue();
  }

  /**
   * A file of format version 1 held installations and ended sessions in the state file, one of format 3
   * the changing objects (and the journal what never changes); both are still read, and saved again in
   * the current format.
   */
  @Test
  void stateOfTheFirstAndThirdFormatVersionsIsStillRead() throws Exception {
    emulator = start(0, EmulatorSeed.EMPTY);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    assertThat(alice.openSession(alice.apiKey).status()).isEqualTo(200);
    payOut(alice, "1.50", "old format");
    int port = emulator.port();
    for (int version : new int[] {1, 3}) {
      Emulators.stop(emulator);
      emulator = null;
      SavedState.rewrite(dir, version);
      JsonObject old = new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME)));
      assertThat(old.getJsonArray("accounts")).hasSize(1);
      assertThat(old.containsKey("installations")).isEqualTo(version == 1);

      emulator = start(port, EmulatorSeed.EMPTY);

      Reply payments = alice.get(alice.paymentsPath());
      assertThat(payments.status()).as(payments.text()).isEqualTo(200);
      assertThat(alice.serverSignatureValid(payments)).isTrue();
      assertThat(payments.items()).hasSize(1);
      assertThat(new JsonObject(Files.readString(dir.resolve(StateFile.FILE_NAME))).getInteger("version"))
          .as("saved again in the current format").isEqualTo(StateFile.VERSION);

      Emulators.stop(emulator);
      emulator = start(port, EmulatorSeed.EMPTY);
      Reply again = alice.get(alice.paymentsPath());
      assertThat(again.status()).as("the session of the format-" + version + " installation, after a second "
          + "restart: " + again.text()).isEqualTo(200);
    }
  }

  /** The {@code emulator} command in a JVM of its own, with one generated user. */
  private record EmulatorProcess(Process process, String baseUrl, int port, String apiKey) {

    static EmulatorProcess start(Path dir, int port) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "com.bunqconnector.cli.Main", "emulator", "--port", Integer.toString(port), "--users", "1",
          "--no-rate-limits", "--data-dir", dir.toString())
          .redirectErrorStream(true)
          .start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
          out.lines().forEach(lines::add);
        } catch (IOException | UncheckedIOException e) {
          lines.add("output closed: " + e.getMessage());
        }
      }, "emulator-process-output");
      reader.setDaemon(true);
      reader.start();
      String baseUrl = null;
      String apiKey = null;
      while (apiKey == null) {
        String line = lines.poll(30, TimeUnit.SECONDS);
        if (line == null) {
          process.destroyForcibly();
          throw new IllegalStateException("the emulator process printed no user line in 30 s");
        }
        if (line.startsWith("bunq emulator: ")) {
          baseUrl = line.substring("bunq emulator: ".length());
        } else if (line.startsWith("user ")) {
          apiKey = line.split(" ")[4];
        }
      }
      int actualPort = URI.create(baseUrl).getPort();
      return new EmulatorProcess(process, baseUrl, actualPort, apiKey);
    }

    /** SIGKILL: no shutdown hook, no last save. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Pays {@code value} to an IBAN outside the emulator and checks that it was answered 200. */
  private static void payOut(TestClient payer, String value, String description) {
    Reply paid = payer.pay(Emulators.payment(value, "IBAN", "NL91ABNA0417164300", description).encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private BunqEmulator start(int port, EmulatorSeed seed) throws Exception {
    return Emulators.start(vertx, durable(port).setSeed(seed));
  }

  /** Stops the emulator and starts a new one on the same port and directory, as a process restart would. */
  private BunqEmulator restart(BunqEmulator running, EmulatorSeed seed) throws Exception {
    return start(stopForRestart(running), seed);
  }
}
