package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.EmulatorSeed.SeedUser;
import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seeded users of each kind: the session-server wrapper, GET /user, accounts and per-user session timeouts. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UserKindsTest {

  private static final String COMPANY_KEY = "sandbox_" + "c0ffee".repeat(9) + "c0";
  private static BunqEmulator emulator;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    EmulatorSeed seed = new EmulatorSeed(List.of(
        new SeedUser("company", COMPANY_KEY, "Bakker Bouw B.V.", "1234.50", 900),
        new SeedUser("psp", null, "Pay Provider B.V.", null, null),
        new SeedUser("person", null, "Anna de Wit", null, null)), List.of());
    emulator = Emulators.start(vertx, new EmulatorOptions().setSessionTimeoutSeconds(7200).setSeed(seed));
  }

  @AfterAll
  static void stop() throws Exception {
    Emulators.stop(emulator);
  }

  @Test
  void seededUsersAreListedInSeedOrderWithKindIbanAndKey() {
    List<SeededUser> users = emulator.seededUsers();
    assertThat(users).extracting(SeededUser::kind)
        .containsExactly("UserCompany", "UserPaymentServiceProvider", "UserPerson");
    assertThat(users.get(0).apiKey()).isEqualTo(COMPANY_KEY);
    assertThat(users.get(0).iban()).matches("NL\\d{2}BUNQ\\d{10}");
    assertThat(users.get(1).iban()).as("a provider has no account").isNull();
    assertThat(users.get(2).apiKey()).matches("sandbox_[0-9a-f]{56}");
    assertThat(users.get(1).toString()).doesNotContain(users.get(1).apiKey());
  }

  @Test
  void companySessionAnswersIdTokenThenUserCompanyWithItsOwnTimeout() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), COMPANY_KEY);
    Reply session = client.openSession(COMPANY_KEY);
    assertThat(session.items()).hasSize(3);
    assertThat(session.item(0, "Id").getLong("id")).isEqualTo(client.sessionId);
    assertThat(session.item(1, "Token").fieldNames()).containsExactly("id", "created", "updated", "token");
    JsonObject company = session.item(2, "UserCompany");
    assertThat(company.fieldNames()).startsWith("id", "created", "updated", "public_uuid", "name", "display_name",
        "public_nick_name", "alias", "chamber_of_commerce_number", "legal_form");
    assertThat(company.getString("name")).isEqualTo("Bakker Bouw B.V.");
    assertThat(company.getString("legal_form")).isEqualTo("BV");
    assertThat(company.getString("chamber_of_commerce_number")).matches("\\d{8}");
    assertThat(company.getInteger("session_timeout")).isEqualTo(900);
    assertThat(company.getJsonObject("daily_limit_without_confirmation_login").getString("currency")).isEqualTo("EUR");
    assertThat(client.serverSignatureValid(session)).isTrue();

    assertThat(client.get("/user").item(0, "UserCompany")).isEqualTo(company);
    assertThat(client.get("/user/" + client.userId).item(0, "UserCompany")).isEqualTo(company);
    assertThat(client.get("/user-company/" + client.userId).item(0, "UserCompany")).isEqualTo(company);
    assertThat(client.get("/user-person/" + client.userId).status()).isEqualTo(404);
    client.loadAccount();
    assertThat(client.balance()).isEqualTo("1234.50");
  }

  @Test
  void providerSessionAnswersUserPaymentServiceProviderWithoutAccounts() {
    SeededUser psp = emulator.seededUsers().get(1);
    TestClient client = TestClient.withSession(emulator.baseUrl(), psp.apiKey());
    assertThat(client.userKind).isEqualTo("UserPaymentServiceProvider");
    Reply users = client.get("/user");
    JsonObject provider = users.item(0, "UserPaymentServiceProvider");
    assertThat(provider.fieldNames()).containsExactly("id", "created", "updated", "certificate_distinguished_name",
        "alias", "avatar", "status", "sub_status", "public_uuid", "display_name", "public_nick_name", "language",
        "region", "session_timeout");
    assertThat(provider.getLong("id")).isEqualTo(psp.userId());
    assertThat(provider.getInteger("session_timeout")).as("the option's default").isEqualTo(7200);
    assertThat(client.get("/user/" + client.userId + "/monetary-account").items()).isEmpty();
  }

  @Test
  void personKeepsItsSeededNameSplitIntoFirstAndLastName() {
    TestClient client = TestClient.withSession(emulator.baseUrl(), emulator.seededUsers().get(2).apiKey());
    JsonObject person = client.get("/user").item(0, "UserPerson");
    assertThat(person.getString("first_name")).isEqualTo("Anna");
    assertThat(person.getString("last_name")).isEqualTo("de Wit");
    assertThat(person.getString("display_name")).isEqualTo("Anna de Wit");
    assertThat(person.getInteger("session_timeout")).isEqualTo(7200);
  }

  @Test
  void sandboxUserCompanyCreatesACompanyWithAFundedAccount() {
    TestClient client = new TestClient(emulator.baseUrl());
    Reply created = client.send("POST", "/sandbox-user-company", null, "", false);
    assertThat(created.status()).isEqualTo(200);
    String apiKey = created.item(0, "ApiKey").getString("api_key");
    assertThat(apiKey).matches("sandbox_[0-9a-f]{56}");
    TestClient company = TestClient.withSession(emulator.baseUrl(), apiKey);
    assertThat(company.userKind).isEqualTo("UserCompany");
    company.loadAccount();
    assertThat(company.balance()).isEqualTo("500.00");
  }

  @Test
  void aCompanyCanPayAPersonByEmail() {
    TestClient company = TestClient.withSession(emulator.baseUrl(), COMPANY_KEY);
    company.loadAccount();
    TestClient person = TestClient.withSession(emulator.baseUrl(), emulator.seededUsers().get(2).apiKey());
    person.loadAccount();
    String before = person.balance();
    Reply paid = company.pay(Emulators.payment("10.00", "EMAIL", person.email, "invoice 1").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    assertThat(person.balance()).isEqualTo(new BigDecimal(before).add(BigDecimal.TEN).setScale(2).toPlainString());
  }
}
