package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The seed format: what it accepts, and errors that name the file and the field. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EmulatorSeedTest {

  private static final String KEY = "sandbox_" + "ab".repeat(28);

  @TempDir
  Path dir;

  private static void rejected(String json, String message) {
    assertThatThrownBy(() -> new EmulatorSeed(new JsonObject(json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void readsAFullSeedAndWritesItBackWithOwnerIndexes() {
    EmulatorSeed seed = new EmulatorSeed(new JsonObject("""
        {"users": [{"kind": "company", "apiKey": "%s", "displayName": "Acme B.V.", "balance": 1000,
                    "sessionTimeoutSeconds": 600},
                   {"kind": "person"}],
         "oauthClients": [{"redirectUris": ["https://a.example/cb"], "owner": "Acme B.V."}]}""".formatted(KEY)));
    assertThat(seed.users().get(0).balance()).isEqualTo("1000");
    assertThat(seed.oauthClients().get(0).owner()).isZero();
    assertThat(new EmulatorSeed(seed.toJson())).isEqualTo(seed);
    assertThat(seed.withGeneratedPersons(2).users()).hasSize(4);
  }

  @Test
  void namesTheFieldOfEveryUserMistake() {
    rejected("{\"users\":[{\"kind\":\"robot\"}]}",
        "users[0].kind: must be one of person, company, psp, was \"robot\"");
    rejected("{\"users\":[{}]}", "users[0].kind: must be one of person, company, psp, was nothing");
    rejected("{\"users\":[{\"kind\":\"person\"},{\"kind\":\"person\",\"apiKey\":\"sandbox_123\"}]}",
        "users[1].apiKey: must be \"sandbox_\" followed by 56 lowercase hex characters");
    rejected("{\"users\":[{\"kind\":\"person\",\"apiKey\":\"" + KEY + "\"},{\"kind\":\"company\",\"apiKey\":\""
        + KEY + "\"}]}", "users[1].apiKey: is the same as users[0].apiKey");
    rejected("{\"users\":[{\"kind\":\"psp\",\"balance\":\"10.00\"}]}",
        "users[0].balance: a psp user has no monetary account, so no balance");
    rejected("{\"users\":[{\"kind\":\"person\",\"balance\":\"-1\"}]}",
        "users[0].balance: must be a non-negative amount with at most 2 decimals, was \"-1\"");
    rejected("{\"users\":[{\"kind\":\"person\",\"sessionTimeoutSeconds\":0}]}",
        "users[0].sessionTimeoutSeconds: must be >= 1, was 0");
    rejected("{\"users\":[{\"kind\":\"person\",\"apikey\":\"x\"}]}",
        "users[0].apikey: is not a known field; known here:"
            + " [apiKey, balance, displayName, kind, sessionTimeoutSeconds]");
    rejected("{\"users\":{}}", "users: must be an array");
    rejected("{\"user\":[]}", "user: is not a known field; known here: [oauthClients, users]");
  }

  @Test
  void namesTheFieldOfEveryOauthClientMistake() {
    String users = "\"users\":[{\"kind\":\"person\",\"displayName\":\"Ann\"},"
        + "{\"kind\":\"person\",\"displayName\":\"Ann\"}]";
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"],\"owner\":5}]}",
        "oauthClients[0].owner: there is no users[5] (2 users are seeded)");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"],\"owner\":\"Ann\"}]}",
        "oauthClients[0].owner: users [0, 1] all have displayName \"Ann\"; give an index");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"],\"owner\":\"Bob\"}]}",
        "oauthClients[0].owner: no seeded user has displayName \"Bob\"");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"]}]}",
        "oauthClients[0].owner: is required: the index of a seeded user or its displayName");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[],\"owner\":0}]}",
        "oauthClients[0].redirectUris: must list at least one URI");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"ftp://a.example/x\"],\"owner\":0}]}",
        "oauthClients[0].redirectUris[0]: must be an absolute http(s) URI without fragment, was"
            + " \"ftp://a.example/x\"");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"],\"owner\":0},"
        + "{\"redirectUris\":[\"https://b.example\"],\"owner\":0}]}",
        "oauthClients[1].owner: users[0] already owns oauthClients[0]; bunq allows one OAuth client per user");
    rejected("{" + users + ",\"oauthClients\":[{\"redirectUris\":[\"https://a.example\"],\"owner\":0,"
        + "\"clientSecret\":\"has space\"}]}",
        "oauthClients[0].clientSecret: must be 1 to 200 visible ASCII characters without spaces");
  }

  @Test
  void fileErrorsNameTheFileAndTheField() throws IOException {
    Path file = dir.resolve("seed.json");
    Files.writeString(file, "{\"users\":[{\"kind\":\"person\",\"apiKey\":\"live_key\"}]}");
    assertThatThrownBy(() -> EmulatorSeed.read(file))
        .hasMessage(file + ": users[0].apiKey: must be \"sandbox_\" followed by 56 lowercase hex characters");
    Files.writeString(file, "{\"users\": [");
    assertThatThrownBy(() -> EmulatorSeed.read(file)).hasMessageStartingWith(file + ": is not a JSON object");
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> EmulatorSeed.read(missing)).hasMessageStartingWith(missing + ": cannot be read");
  }

  @Test
  void optionsCarryTheSeedInJsonAndNameItsFields() {
    EmulatorOptions options = new EmulatorOptions().setSeed(EmulatorSeed.EMPTY.withGeneratedPersons(1));
    assertThat(new EmulatorOptions(options.toJson()).getSeed()).isEqualTo(options.getSeed());
    assertThatThrownBy(() -> new EmulatorOptions(new JsonObject("{\"seed\":{\"users\":[{\"kind\":1}]}}")))
        .hasMessage("seed.users[0].kind: must be a string");
  }
}
