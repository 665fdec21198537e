package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.Psd2Certificates.Qseal;
import com.bunqconnector.emulator.TestClient.Reply;
import com.bunqconnector.testing.LogCapture;
import com.bunqconnector.testing.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * bunq's PSD2 registration: a QSEAL certificate (made here, self-signed) registered with
 * {@code payment-service-provider-credential} gives a token that opens a UserPaymentServiceProvider
 * session; bad certificates and signatures are refused naming the field; a durable emulator keeps it all.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Psd2CredentialTest {

  private static final String PATH = "/payment-service-provider-credential";
  private static final String CERTIFICATE = "client_payment_service_provider_certificate";
  private static final String SIGNATURE = "client_public_key_signature";
  private static final ManualClock CLOCK = ManualClock.startingAt(Instant.parse("2025-06-02T10:00:00Z"));
  private static BunqEmulator emulator;
  private static Qseal pisp;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    emulator = Emulators.start(vertx, new EmulatorOptions().setClock(CLOCK));
    pisp = Psd2Certificates.valid("CN=Test Payments PISP, O=Test Payments B.V., C=NL", CLOCK.instant());
  }

  @AfterAll
  static void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void certificateGetsAPendingCredentialWhoseTokenOpensAProviderSession() {
    TestClient client = new TestClient(emulator.baseUrl());
    JsonObject credential;
    try (LogCapture log = new LogCapture()) {
      credential = Psd2Certificates.withSession(client, pisp);
      assertThat(log.text()).contains("Issued PSD2 credential " + credential.getLong("id"))
          .doesNotContain(credential.getString("token_value")).doesNotContain(pisp.signatureFor(client));
    }
    assertThat(credential.fieldNames()).containsExactly("id", "created", "updated", "status", "expiry_time",
        "token_value", "permitted_device");
    assertThat(credential.getString("status")).isEqualTo("PENDING_FIRST_USE");
    assertThat(credential.getString("token_value")).matches("sandbox_[0-9a-f]{56}");

    assertThat(client.userKind).isEqualTo("UserPaymentServiceProvider");
    JsonObject user = client.get("/user/" + client.userId).item(0, "UserPaymentServiceProvider");
    assertThat(user.getString("certificate_distinguished_name")).isEqualTo("CN=Test Payments PISP");
    assertThat(user.getString("display_name")).isEqualTo("Test Payments PISP");
    assertThat(user.getInteger("session_timeout")).isEqualTo(90 * 24 * 3600);

    Reply read = client.get(PATH + "/" + credential.getLong("id"));
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    JsonObject active = read.item(0, "CredentialPasswordIp");
    assertThat(active.getString("status")).isEqualTo("ACTIVE");
    assertThat(active.getValue("token_value")).as("bunq shows the token only while pending").isNull();
    assertThat(active.getJsonObject("permitted_device"))
        .isEqualTo(new JsonObject().put("description", "emulator test").put("ip", "*"));
  }

  @Test
  void providerCreatesAndReadsItsOauthClient() {
    TestClient client = new TestClient(emulator.baseUrl());
    Psd2Certificates.withSession(client, Psd2Certificates.valid("CN=Oauth App AISP PISP", CLOCK.instant()));
    String clients = "/user/" + client.userId + "/oauth-client";
    Reply created = client.send("POST", clients, client.sessionToken, "{}", true);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    Reply read = client.get(clients + "/" + created.item(0, "Id").getLong("id"));
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(read.item(0, "OauthClient").getString("status")).isEqualTo("ACTIVE");
    assertThat(read.item(0, "OauthClient").getString("display_name")).isEqualTo("Oauth App AISP PISP");
  }

  @Test
  void sameCertificateOnAnotherInstallationIsTheSameProviderWithTheSameKey() {
    Qseal qseal = Psd2Certificates.valid("CN=Twice PISP", CLOCK.instant());
    TestClient first = new TestClient(emulator.baseUrl());
    JsonObject one = Psd2Certificates.withSession(first, qseal);
    TestClient second = new TestClient(emulator.baseUrl());
    JsonObject two = Psd2Certificates.withSession(second, qseal);
    assertThat(two.getLong("id")).isNotEqualTo(one.getLong("id"));
    assertThat(two.getString("token_value")).isEqualTo(one.getString("token_value"));
    assertThat(second.userId).isEqualTo(first.userId);
    assertThat(second.get(PATH + "/" + one.getLong("id")).status()).as("a session of its provider reads it")
        .isEqualTo(200);
  }

  @Test
  void firstSessionLastsAnHourAndTheNextOnesNinetyDays() {
    TestClient client = new TestClient(emulator.baseUrl());
    Psd2Certificates.withSession(client, Psd2Certificates.valid("CN=Clocked PISP", CLOCK.instant()));
    CLOCK.advance(Duration.ofMinutes(61));
    assertThat(client.get("/user").status()).as("the first session is over after an hour").isEqualTo(401);
    assertThat(client.openSession(client.apiKey).status()).isEqualTo(200);
    CLOCK.advance(Duration.ofMinutes(61));
    assertThat(client.get("/user").status()).as("the second session lasts longer").isEqualTo(200);
  }

  @Test
  void credentialOfAnotherInstallationOrProviderIsNotFound() {
    TestClient owner = new TestClient(emulator.baseUrl());
    long id = Psd2Certificates.withSession(owner, pisp).getLong("id");
    TestClient other = new TestClient(emulator.baseUrl());
    Psd2Certificates.withSession(other, Psd2Certificates.valid("CN=Other PISP", CLOCK.instant()));
    assertThat(other.get(PATH + "/" + id).status()).isEqualTo(404);
    assertThat(other.send("GET", PATH + "/" + id, other.installationToken, "", false).status()).isEqualTo(404);
    assertThat(owner.send("GET", PATH + "/" + id, owner.installationToken, "", false).status()).isEqualTo(200);
    assertThat(owner.get(PATH + "/unknown").status()).isEqualTo(404);
  }

  @Test
  void certificateWithoutARoleInItsCnIsRefused() {
    Qseal plain = Psd2Certificates.valid("CN=Just An App, C=NL", CLOCK.instant());
    assertRefused(plain, "Field \"client_payment_service_provider_certificate\" has the subject CN"
        + " \"Just An App\", which names no PSD2 role (AISP or PISP).");
  }

  @Test
  void expiredCertificateIsRefused() {
    Qseal expired = Psd2Certificates.expired("CN=Old PISP", CLOCK.instant());
    assertRefused(expired, "Field \"client_payment_service_provider_certificate\" expired at "
        + expired.certificate().getNotAfter().toInstant() + ".");
  }

  @Test
  void certificateNotValidYetOrWithAnEcOrPssKeyIsRefused() throws Exception {
    Instant now = CLOCK.instant();
    Qseal future = Psd2Certificates.make("CN=Early PISP", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)),
        TestClient.generateKeys());
    assertRefused(future, "Field \"client_payment_service_provider_certificate\" is not valid before "
        + future.certificate().getNotBefore().toInstant() + ".");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Qseal elliptic = Psd2Certificates.make("CN=Curved PISP", now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(9)), ec.generateKeyPair());
    assertThat(registerWith(CERTIFICATE, client -> elliptic.pem()).errorDescription())
        .isEqualTo("Field \"client_payment_service_provider_certificate\" must have an RSA key, not EC.");
    KeyPairGenerator pss = KeyPairGenerator.getInstance("RSASSA-PSS");
    pss.initialize(2048);
    Qseal probabilistic = Psd2Certificates.make("CN=Padded PISP", now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(9)), pss.generateKeyPair());
    assertThat(registerWith(CERTIFICATE, client -> probabilistic.pem()).errorDescription())
        .isEqualTo("Field \"client_payment_service_provider_certificate\" must have an RSA key, not RSASSA-PSS.");
  }

  @Test
  void signatureByAnotherKeyIsRefused() {
    Reply reply = registerWith(SIGNATURE, client -> pisp.signatureFor(client, TestClient.generateKeys().getPrivate()));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorDescription()).startsWith("Field \"client_public_key_signature\" is not the certificate"
        + " key's SHA256withRSA signature");
  }

  @Test
  void signatureOverAnotherInstallationsTokenIsRefused() {
    Reply reply = registerWith(SIGNATURE, client -> {
      TestClient other = new TestClient(emulator.baseUrl());
      other.install();
      return pisp.signatureFor(other);
    });
    assertThat(reply.errorDescription()).startsWith("Field \"client_public_key_signature\" is not");
  }

  @Test
  void certificateOrChainThatIsNotPemIsRefusedNamingTheField() {
    Reply certificate = registerWith(CERTIFICATE, client -> "not a certificate");
    assertThat(certificate.status()).isEqualTo(400);
    assertThat(certificate.errorDescription()).isEqualTo("Field \"client_payment_service_provider_certificate\""
        + " is not an X.509 certificate in PEM format.");
    Reply chain = registerWith("client_payment_service_provider_certificate_chain",
        client -> "-----BEGIN CERTIFICATE-----\nAAAA\n");
    assertThat(chain.status()).isEqualTo(400);
    assertThat(chain.errorDescription()).isEqualTo("Field \"client_payment_service_provider_certificate_chain\""
        + " is not an X.509 certificate in PEM format.");
    Reply missing = registerWith(SIGNATURE, client -> null);
    assertThat(missing.errorDescription()).isEqualTo("Field \"client_public_key_signature\" is required.");
  }

  /** Registers pisp's correct body on a fresh installation, but with {@code field} set to what {@code value} gives. */
  private static Reply registerWith(String field, Function<TestClient, Object> value) {
    TestClient client = new TestClient(emulator.baseUrl());
    client.install();
    String body = new JsonObject(pisp.body(client)).put(field, value.apply(client)).encode();
    return Psd2Certificates.register(client, body);
  }

  @Test
  void credentialNeedsAnInstallationToken() {
    TestClient client = new TestClient(emulator.baseUrl());
    Psd2Certificates.withSession(client, pisp);
    String body = pisp.body(client);
    assertThat(client.send("POST", PATH, client.sessionToken, body, true).status()).isEqualTo(401);
    assertThat(client.send("POST", PATH, "unknown", body, true).status()).isEqualTo(403);
  }

  /** Registers the certificate (correctly signed) on a fresh installation and expects a 400 with {@code error}. */
  private static void assertRefused(Qseal qseal, String error) {
    TestClient client = new TestClient(emulator.baseUrl());
    client.install();
    Reply reply = Psd2Certificates.register(client, qseal.body(client));
    assertThat(reply.status()).as(reply.text()).isEqualTo(400);
    assertThat(reply.errorDescription()).isEqualTo(error);
  }

  @Test
  void savedCredentialOfNoProviderFailsTheStartNamingIt(Vertx vertx, @TempDir Path dir) throws Exception {
    EmulatorOptions durable = new EmulatorOptions().setDataDir(dir);
    BunqEmulator running = Emulators.start(vertx, durable);
    Psd2Certificates.withSession(new TestClient(running.baseUrl()), Psd2Certificates.valid("CN=Lost PISP",
        Instant.now()));
    Emulators.stop(running);
    SavedState.rewrite(dir, 3);
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject saved = new JsonObject(Files.readString(file));
    saved.getJsonArray("psd2Credentials").getJsonObject(0).put("userId", 1);
    Files.writeString(file, saved.encode());

    assertThatThrownBy(() -> Emulators.start(vertx, durable))
        .hasMessageContaining("psd2Credentials[0]: \"userId\" names no PSD2 provider");
  }

  @Test
  void restartedEmulatorKeepsProvidersAndCredentials(Vertx vertx, @TempDir Path dir) throws Exception {
    EmulatorOptions durable = new EmulatorOptions().setDataDir(dir);
    BunqEmulator running = Emulators.start(vertx, durable);
    Qseal qseal = Psd2Certificates.valid("CN=Durable AISP", Instant.now());
    try {
      TestClient client = new TestClient(running.baseUrl());
      long id = Psd2Certificates.withSession(client, qseal).getLong("id");
      int port = running.port();
      Emulators.stop(running);
      running = Emulators.start(vertx, new EmulatorOptions(durable).setPort(port));

      Reply read = client.get(PATH + "/" + id);
      assertThat(read.status()).as(read.text()).isEqualTo(200);
      assertThat(read.item(0, "CredentialPasswordIp").getString("status")).isEqualTo("ACTIVE");
      TestClient again = new TestClient(running.baseUrl());
      JsonObject second = Psd2Certificates.withSession(again, qseal);
      assertThat(second.getString("token_value")).isEqualTo(client.apiKey);
      assertThat(again.userId).isEqualTo(client.userId);
    } finally {
      Emulators.stop(running);
    }
  }
}
