package com.bunqconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ConfigLoaderTest {

  /** A tenant file with one user and nothing else. */
  private static final String ONE_USER = "{\"id\":\"a\",\"users\":[{\"id\":\"u\"}]}";

  @TempDir
  Path conf;

  @BeforeEach
  void nodeFile() throws IOException {
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("connector.json"), "{\"environment\":\"emulator\",\"http\":{\"port\":0}}");
  }

  private void tenant(String name, String json) throws IOException {
    Files.writeString(conf.resolve("tenants").resolve(name), json);
  }

  private ConfigLoader loader(Vertx vertx) {
    return new ConfigLoader(vertx, Map.of("ACME_KEY", "sandbox_abc")::get);
  }

  /** Loads {@code conf} and completes the test once {@code check} passes on what was loaded. */
  private void assertLoaded(Vertx vertx, VertxTestContext test, Consumer<ConnectorConfig> check) {
    loader(vertx).load(conf).onComplete(test.succeeding(config -> test.verify(() -> {
      check.accept(config);
      test.completeNow();
    })));
  }

  /** Loads {@code conf}, expecting a failure, and completes the test once {@code check} passes on it. */
  private void assertFailed(Vertx vertx, VertxTestContext test, Consumer<Throwable> check) {
    loader(vertx).load(conf).onComplete(test.failing(e -> test.verify(() -> {
      check.accept(e);
      test.completeNow();
    })));
  }

  /** The message of the failure that loading {@code conf} with {@code loader} ends in now. */
  private String failureOf(ConfigLoader loader) {
    Throwable failure = catchThrowable(() -> loader.load(conf).await(10, TimeUnit.SECONDS));
    assertThat(failure).as("loading fails").isNotNull();
    return failure.getMessage();
  }

  @Test
  void loadsTheShippedDemoConfiguration(Vertx vertx, VertxTestContext test) {
    ConfigLoader loader = new ConfigLoader(vertx, name -> null);
    loader.load(Path.of("conf")).onComplete(test.succeeding(config -> test.verify(() -> {
      assertThat(config.tenants()).extracting(TenantConfig::id).containsExactly("acme", "globex");
      assertThat(config.userCount()).isEqualTo(6);
      assertThat(config.node().environment()).isEqualTo(Environment.EMULATOR);
      assertThat(config.tenant("acme").orElseThrow().categories()).containsExactly("MUTATION", "PAYMENT");
      test.completeNow();
    })));
  }

  @Test
  void readsUsersEnvironmentReferencesAndConsumers(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", """
        {"id": "acme", "environment": "sandbox", "callbackToken": "0123456789abcdef0123",
         "users": [{"id": "alice", "apiKey": "${ACME_KEY}", "permittedIps": ["*"]}, {"id": "bob"}],
         "callbacks": {"PAYMENT": ["acme.pay"], "*": ["acme.all"]}}""");
    assertLoaded(vertx, test, config -> {
      TenantConfig acme = config.tenant("acme").orElseThrow();
      assertThat(acme.environment()).isEqualTo(Environment.SANDBOX);
      assertThat(acme.user("alice").orElseThrow().apiKey()).isEqualTo("sandbox_abc");
      assertThat(acme.user("alice").orElseThrow().permittedIps()).containsExactly("*");
      assertThat(acme.user("bob").orElseThrow().apiKey()).isNull();
      assertThat(acme.consumersFor("PAYMENT")).containsExactly("acme.pay", "acme.all");
      assertThat(acme.consumersFor("SHARE")).containsExactly("acme.all");
      assertThat(acme.categories()).containsExactly("PAYMENT");
      assertThat(acme.toString()).doesNotContain("sandbox_abc").doesNotContain("0123456789abcdef0123");
      assertThat(acme.tokenFromFile()).isTrue();
    });
  }

  @Test
  void generatesACallbackTokenWhenTheFileHasNone(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("a.json", ONE_USER);
    assertLoaded(vertx, test, config -> {
      assertThat(config.tenant("a").orElseThrow().callbackToken()).matches("[0-9a-f]{48}");
      assertThat(config.tenant("a").orElseThrow().tokenFromFile()).isFalse();
    });
  }

  private void assertRejected(Vertx vertx, VertxTestContext test, String... expected) {
    assertFailed(vertx, test, e -> {
      assertThat(e).isInstanceOf(ConfigException.class);
      assertThat(e.getMessage()).contains(expected);
    });
  }

  @Test
  void namesFileAndFieldOfAMissingUserId(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"},{\"apiKey\":\"k\"}]}");
    assertRejected(vertx, test, "acme.json", "users[1].id: is missing");
  }

  @Test
  void namesTheFileAndPlaceOfMalformedJson(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("broken.json", "{\"id\": \"acme\",\n \"users\": [");
    assertFailed(vertx, test, e -> assertThat(e.getMessage())
        .contains("broken.json: is not valid JSON at line 2 column")
        .doesNotContain("REDACTED").doesNotContain("[Source"));
  }

  @Test
  void aTenantFileWithAByteOrderMarkReadsAtStartAndWhenReadAgain(Vertx vertx, VertxTestContext test)
      throws IOException {
    String acme = "\uFEFF{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}]}";
    tenant("acme.json", acme);
    ConfigLoader loader = loader(vertx);
    loader.load(conf).onComplete(test.succeeding(config -> test.verify(() -> {
      assertThat(config.tenant("acme")).isPresent();
      String file = conf.resolve("tenants/acme.json").toString();
      assertThat(loader.parseTenant(file, acme, config.node(), id -> null).users()).containsOnlyKeys("alice");
      test.completeNow();
    })));
  }

  @Test
  void aTenantEntryThatIsNotARegularFileIsRefusedAtStartWithoutOpeningIt(Vertx vertx, VertxTestContext test)
      throws Exception {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}]}");
    Files.createDirectory(conf.resolve("tenants/folder.json"));
    assertRejected(vertx, test, conf.resolve("tenants/folder.json") + ": is not a regular file");
  }

  @Test
  void rejectsMisspeltFieldsInsteadOfIgnoringThem(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apikey\":\"k\"}]}");
    assertRejected(vertx, test, "acme.json", "users[0].apikey: is not a known field", "apiKey");
  }

  @Test
  void rejectsMisspeltNodeFields(Vertx vertx, VertxTestContext test) throws IOException {
    Files.writeString(conf.resolve("connector.json"), "{\"requestTimeoutMS\": 5}");
    tenant("a.json", ONE_USER);
    assertRejected(vertx, test, "connector.json", "requestTimeoutMS: is not a known field");
  }

  @Test
  void keepsUsersInFileOrder(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("a.json", "{\"id\":\"a\",\"users\":[{\"id\":\"zoe\"},{\"id\":\"adam\"},{\"id\":\"mia\"},"
        + "{\"id\":\"bob\"},{\"id\":\"eve\"}]}");
    assertLoaded(vertx, test, config -> assertThat(config.tenant("a").orElseThrow().users().keySet())
        .containsExactly("zoe", "adam", "mia", "bob", "eve"));
  }

  @Test
  void namesAnUnsetEnvironmentVariable(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apiKey\":\"${NOT_SET_ANYWHERE}\"}]}");
    assertRejected(vertx, test, "acme.json", "users[0].apiKey", "NOT_SET_ANYWHERE", "not set");
  }

  @Test
  void requiresAnApiKeyInProduction(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"environment\":\"production\",\"users\":[{\"id\":\"alice\"}]}");
    assertRejected(vertx, test, "acme.json", "users[0].apiKey", "required in the production environment");
  }

  @Test
  void refusesAProductionTenantWhoseBaseUrlIsNotHttps(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"environment\":\"production\",\"baseUrl\":\"http://bunq.internal/v1\","
        + "\"users\":[{\"id\":\"alice\",\"apiKey\":\"k\"}]}");
    assertRejected(vertx, test, "acme.json: baseUrl: must be an https URL for a production tenant",
        "http://bunq.internal/v1");
  }

  @Test
  void rejectsAnUnknownEnvironment(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"environment\":\"staging\",\"users\":[{\"id\":\"alice\"}]}");
    assertRejected(vertx, test, "acme.json", "environment", "staging");
  }

  @Test
  void rejectsWrongTypesNamingTheField(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}],\"callbacks\":{\"PAYMENT\":\"acme.pay\"}}");
    assertRejected(vertx, test, "acme.json", "callbacks.PAYMENT", "must be a list");
  }

  @Test
  void rejectsABadCategory(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}],\"callbacks\":{\"PAYMENTS\":[\"a\"]}}");
    assertRejected(vertx, test, "acme.json", "callbacks.PAYMENTS", "not a bunq callback category", "PAYMENT");
  }

  @Test
  void rejectsDuplicateUsersAndTenants(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("a.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\"}]}");
    tenant("b.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"bob\"}]}");
    assertRejected(vertx, test, "b.json", "'acme' is already used by", "a.json");
  }

  @Test
  void rejectsTwoUsersWithOneApiKeyNamingBothButNotTheKey(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apiKey\":\"sandbox_shared_key_0123\"},"
        + "{\"id\":\"bob\",\"apiKey\":\"sandbox_shared_key_0123\"}]}");
    assertFailed(vertx, test, e -> assertThat(e.getMessage())
        .contains("acme.json", "users[1].apiKey", "key of user 'alice' too")
        .doesNotContain("sandbox_shared_key_0123"));
  }

  @Test
  void rejectsAnApiKeyWithWhiteSpaceAroundItWithoutShowingIt(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"alice\",\"apiKey\":\"sandbox_key_0123\\n\"}]}");
    assertFailed(vertx, test, e -> assertThat(e.getMessage())
        .contains("acme.json", "users[0].apiKey", "white space or control characters")
        .doesNotContain("sandbox_key_0123"));
  }

  @Test
  void rejectsATenantWithoutUsers(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[]}");
    assertRejected(vertx, test, "acme.json", "users: must list at least one user");
  }

  @Test
  void rejectsABadNodeFile(Vertx vertx, VertxTestContext test) throws IOException {
    Files.writeString(conf.resolve("connector.json"), "{\"http\":{\"port\":70000}}");
    tenant("a.json", ONE_USER);
    assertRejected(vertx, test, "connector.json", "http.port", "between 0 and 65535");
  }

  @Test
  void reportsAMissingTenantsDirectory(Vertx vertx, VertxTestContext test) throws IOException {
    Files.delete(conf.resolve("tenants"));
    assertRejected(vertx, test, "tenantsDir", "does not exist");
  }

  @Test
  void reportsAnEmptyTenantsDirectoryByName(Vertx vertx, VertxTestContext test) {
    assertRejected(vertx, test, "tenants: no tenant files (*.json) in this directory");
  }

  @Test
  void refusesTheConnectorsOwnAddressesAsConsumers(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"a\"}],\"callbacks\":{\"*\":[\"x\",\"bunq.api\"]}}");
    assertRejected(vertx, test, "acme.json", "callbacks.*", "'bunq.api' is one of the connector's own addresses");
  }

  @Test
  void refusesAPermittedIpThatIsNotAnIpv4Address(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("acme.json", "{\"id\":\"acme\",\"users\":[{\"id\":\"a\",\"permittedIps\":[\"*\",\"not-an-ip\"]}]}");
    assertRejected(vertx, test, "acme.json", "users[0].permittedIps[1]", "IPv4 address or *");
  }

  @Test
  void refusesAnEmptyHostABadEmulatorUrlAndAHugePort(Vertx vertx) throws IOException {
    tenant("a.json", ONE_USER);
    Files.writeString(conf.resolve("connector.json"), "{\"http\":{\"host\":\"\"}}");
    ConfigLoader loader = loader(vertx);
    assertThat(failureOf(loader)).contains("http.host: must not be empty");
    writeNode("{\"emulator\":{\"baseUrl\":\"not a url\"}}");
    assertThat(failureOf(loader)).contains("emulator.baseUrl: must be an http(s) URL");
    writeNode("{\"http\":{\"port\":10000000000}}");
    assertThat(failureOf(loader)).contains("http.port: must be between 0 and 65535, was 10000000000");
  }

  @Test
  void readsPacingAndNamesABadEgressGroupOrInterval(Vertx vertx) throws Exception {
    tenant("a.json", ONE_USER);
    writeNode("{\"pacing\":{\"egressGroup\":\"office-1\",\"intervalMs\":1000,\"maxWaitMs\":5000}}");
    ConfigLoader loader = loader(vertx);
    assertThat(loader.load(conf).await(10, TimeUnit.SECONDS).node().pacing())
        .isEqualTo(new NodeConfig.PacingConfig(true, "office-1", 1000, 5000));
    writeNode("{\"pacing\":{\"egressGroup\":\"two words\"}}");
    assertThat(failureOf(loader)).contains("pacing.egressGroup", "two words");
    writeNode("{\"pacing\":{\"intervalMs\":0}}");
    assertThat(failureOf(loader)).contains("pacing.intervalMs");
  }

  @Test
  void storeDefaultsToAnEmbeddedDatabaseUnderData(Vertx vertx) throws IOException {
    tenant("a.json", ONE_USER);
    writeNode("{}");
    NodeConfig.StoreConfig store = loader(vertx).load(conf).await().node().store();
    assertThat(store.type()).isEqualTo(NodeConfig.StoreType.EMBEDDED);
    assertThat(store.dataDir()).isEqualTo("data");
    assertThat(store.persistent()).isTrue();
  }

  @Test
  void readsAPostgresqlStoreWithItsPasswordFromTheEnvironmentAndNeverPrintsIt(Vertx vertx) throws IOException {
    tenant("a.json", ONE_USER);
    writeNode("{\"store\":{\"type\":\"postgresql\",\"url\":\"jdbc:postgresql://db:5432/connector\","
        + "\"user\":\"connector\",\"password\":\"${PG_PASSWORD}\"}}");
    NodeConfig node = new ConfigLoader(vertx, Map.of("PG_PASSWORD", "pw-from-env")::get).load(conf).await().node();
    assertThat(node.store()).isEqualTo(new NodeConfig.StoreConfig(NodeConfig.StoreType.POSTGRESQL, "data",
        "jdbc:postgresql://db:5432/connector", "connector", "pw-from-env"));
    assertThat(node.store().toString()).contains("jdbc:postgresql://db:5432/connector").doesNotContain("pw-from-env");
    assertThat(node.toString()).doesNotContain("pw-from-env");
  }

  @Test
  void namesEveryMistakeInTheStoreSection(Vertx vertx) throws IOException {
    tenant("a.json", ONE_USER);
    Map<String, String> mistakes = Map.of(
        "{\"type\":\"mysql\"}", "store.type: must be embedded",
        "{\"type\":\"postgresql\"}", "store.url: is missing",
        "{\"type\":\"postgresql\",\"url\":\"postgres://db/x\",\"user\":\"u\"}",
        "store.url: must be a PostgreSQL",
        "{\"type\":\"postgresql\",\"url\":\"jdbc:postgresql://db/x\"}", "store.user: is missing",
        "{\"url\":\"jdbc:postgresql://db/x\"}", "store.url: applies to type postgresql only",
        "{\"dataDir\":\"\"}", "store.dataDir: must not be empty",
        "{\"dir\":\"x\"}", "store.dir: is not a known field");
    for (Map.Entry<String, String> mistake : mistakes.entrySet()) {
      writeNode("{\"store\":" + mistake.getKey() + "}");
      assertThatThrownBy(() -> loader(vertx).load(conf).await()).as(mistake.getKey())
          .hasMessageContaining("connector.json: " + mistake.getValue());
    }
  }

  @Test
  void pacingDefaultsToBunqsOneSessionPerThirtySeconds(Vertx vertx, VertxTestContext test) throws IOException {
    tenant("a.json", ONE_USER);
    writeNode("{}");
    assertLoaded(vertx, test, config -> assertThat(config.node().pacing())
        .isEqualTo(new NodeConfig.PacingConfig(true, "default", 30_000, 120_000)));
  }

  @Test
  void callPathDefaultsToBunqsLimitsAndReadsOverrides(Vertx vertx) throws Exception {
    tenant("a.json", ONE_USER);
    writeNode("{}");
    ConfigLoader loader = loader(vertx);
    CallPathConfig defaults = loader.load(conf).await(10, TimeUnit.SECONDS).node().callPath();
    assertThat(defaults.rateLimits().limits())
        .containsEntry("GET", new CallPathConfig.Limit(3, 3_000))
        .containsEntry("POST", new CallPathConfig.Limit(5, 3_000))
        .containsEntry("PUT", new CallPathConfig.Limit(2, 3_000));
    assertThat(defaults.retry()).isEqualTo(new CallPathConfig.RetryConfig(4, 250, 4_000, 30_000));
    assertThat(defaults.http2()).isFalse();
    writeNode("{\"client\":{\"httpVersion\":\"2\",\"poolSize\":4},\"retry\":{\"maxAttempts\":1},"
        + "\"rateLimits\":{\"get\":{\"calls\":1,\"windowMs\":1000},\"maxQueued\":5}}");
    CallPathConfig custom = loader.load(conf).await(10, TimeUnit.SECONDS).node().callPath();
    assertThat(custom.http2()).isTrue();
    assertThat(custom.poolSize()).isEqualTo(4);
    assertThat(custom.retry().maxAttempts()).isEqualTo(1);
    assertThat(custom.rateLimits().limits().get("GET")).isEqualTo(new CallPathConfig.Limit(1, 1_000));
    assertThat(custom.rateLimits().maxQueued()).isEqualTo(5);
  }

  @Test
  void namesBadCallPathSettings(Vertx vertx) throws IOException {
    tenant("a.json", ONE_USER);
    ConfigLoader loader = loader(vertx);
    writeNode("{\"client\":{\"httpVersion\":\"3\"}}");
    assertThat(failureOf(loader)).contains("client.httpVersion", "\"1.1\" or \"2\"");
    writeNode("{\"rateLimits\":{\"get\":{\"calls\":0}}}");
    assertThat(failureOf(loader)).contains("rateLimits.get.calls");
    writeNode("{\"retry\":{\"baseDelayMs\":500,\"maxDelayMs\":100}}");
    assertThat(failureOf(loader)).contains("retry.maxDelayMs", "at least baseDelayMs");
  }

  @Test
  void readsTheKeyPolicyAndNamesAnUnknownOne(Vertx vertx) throws Exception {
    tenant("a.json", "{\"id\":\"a\",\"keyPolicy\":\"per-tenant\",\"users\":[{\"id\":\"u\"}]}");
    tenant("b.json", "{\"id\":\"b\",\"users\":[{\"id\":\"u\"}]}");
    ConfigLoader loader = loader(vertx);
    assertThat(loader.load(conf).await(10, TimeUnit.SECONDS).tenants()).extracting(TenantConfig::keyPerTenant)
        .containsExactly(true, false);
    tenant("b.json", "{\"id\":\"b\",\"keyPolicy\":\"per-node\",\"users\":[{\"id\":\"u\"}]}");
    assertThat(failureOf(loader)).contains("b.json", "keyPolicy", "per-user", "per-tenant", "per-node");
  }

  private void writeNode(String json) {
    try {
      Files.writeString(conf.resolve("connector.json"), json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reportsATenantsDirThatIsAFile(Vertx vertx, VertxTestContext test) throws IOException {
    Files.delete(conf.resolve("tenants"));
    Files.writeString(conf.resolve("tenants"), "not a directory");
    assertRejected(vertx, test, "tenantsDir", "is not a directory");
  }

  @Test
  void userConfigNeverPrintsItsApiKey() {
    assertThat(new UserConfig("alice", "sandbox_secret", List.of()).toString()).doesNotContain("sandbox_secret");
  }
}
