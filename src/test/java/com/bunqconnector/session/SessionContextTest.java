package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.crypto.Signatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stored form of a context: small, and readable from what earlier versions stored. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SessionContextTest {

  private static final KeyPair CLIENT = RsaKeys.generate();
  private static final KeyPair SERVER = RsaKeys.generate();
  private static final byte[] BODY = "{\"secret\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  private static SessionContext context() {
    UserSpec spec = new UserSpec("acme", "alice", "http://127.0.0.1:1/v1", null, List.of(), true);
    return SessionContext.builder(spec)
        .apiKey("sandbox_" + "a1".repeat(28))
        .clientKeys(CLIENT.getPrivate(), CLIENT.getPublic())
        .installation(7, "b2".repeat(32), RsaKeys.publicKeyToPem(SERVER.getPublic()))
        .device(8)
        .session(9, "c3".repeat(32), 3600, System.currentTimeMillis())
        .bunqUser(1234, "UserPerson")
        .build();
  }

  @Test
  void contextKeepsOnlyTheCompactClientPrivateKey() {
    JsonObject json = context().toJson();
    assertThat(json.getString("clientPrivateKey")).startsWith(RsaKeys.COMPACT_PREFIX);
    assertThat(json.containsKey("clientPublicKey")).isFalse();
    assertThat(Signatures.sign(context().clientPrivateKey(), BODY))
        .isEqualTo(Signatures.sign(CLIENT.getPrivate(), BODY));
  }

  @Test
  void sealedContextInTheMapStaysUnderTwoKilobytes() {
    Vertx vertx = Vertx.vertx();
    try {
      SessionContext context = context();
      new SessionStore(vertx, SecretBox.ephemeral()).put(context).await();
      String stored = vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await()
          .get(context.key()).await();
      assertThat(stored).hasSizeLessThan(2_048).doesNotContain(context.toJson().getString("clientPrivateKey")
          .substring(RsaKeys.COMPACT_PREFIX.length()));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void contextStoredWithPemKeysAndAPublicKeyStillReadsAndDropsThePublicKey() {
    JsonObject legacy = context().toJson()
        .put("clientPrivateKey", RsaKeys.privateKeyToPem(CLIENT.getPrivate()))
        .put("clientPublicKey", RsaKeys.publicKeyToPem(CLIENT.getPublic()));
    SessionContext read = SessionContext.fromJson(legacy);
    assertThat(Signatures.sign(read.clientPrivateKey(), BODY)).isEqualTo(Signatures.sign(CLIENT.getPrivate(), BODY));
    assertThat(read.toJson().containsKey("clientPublicKey")).isFalse();
    assertThat(read.withSession(10, "d4".repeat(32), 3600, 0, 1234, "UserPerson").toJson()
        .getString("clientPrivateKey")).startsWith("-----BEGIN PRIVATE KEY-----");
  }
}
