package com.bunqconnector.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.crypto.SealedSecretException;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SessionStoreTest {

  private static final KeyPair KEYS = TestContexts.KEYS;

  private static SessionContext context() {
    return TestContexts.complete("alice");
  }

  @Test
  void secretsAreSealedInTheMapAndOpenOnRead(Vertx vertx) {
    SessionStore store = new SessionStore(vertx, SecretBox.ephemeral());
    SessionContext context = context();
    store.putIfAbsent(context).await();

    String stored = vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await()
        .get("acme/alice").await();
    JsonObject raw = new JsonObject(stored);
    assertThat(stored).doesNotContain(context.apiKey()).doesNotContain(context.sessionToken())
        .doesNotContain(context.installationToken()).doesNotContain("PRIVATE KEY");
    assertThat(raw.getLong("bunqUserId")).isEqualTo(1234);

    SessionContext read = store.get("acme/alice").await();
    assertThat(read.toJson()).isEqualTo(context.toJson());
    assertThat(read.clientPrivateKey()).isEqualTo(KEYS.getPrivate());
  }

  @Test
  void repeatedReadsReuseTheOpenedContextUntilTheStoredTextChanges(Vertx vertx) {
    SessionStore store = new SessionStore(vertx, SecretBox.ephemeral());
    SessionContext stored = store.putIfAbsent(context()).await();
    SessionContext first = store.get(stored.key()).await();
    assertThat(store.get(stored.key()).await()).as("opened once").isSameAs(first);

    SessionContext renewed = store.put(first.withSession(99, "d4".repeat(32), 3600, System.currentTimeMillis(),
        first.bunqUserId(), first.userKind())).await();
    SessionContext afterChange = store.get(stored.key()).await();
    assertThat(afterChange).isNotSameAs(first);
    assertThat(afterChange.sessionToken()).isEqualTo(renewed.sessionToken());

    store.forgetOpened();
    assertThat(store.get(stored.key()).await()).isNotSameAs(afterChange)
        .extracting(SessionContext::sessionToken).isEqualTo(renewed.sessionToken());
  }

  @Test
  void nodeWithAnotherMasterKeyCannotReadContextsAndSaysWhose(Vertx vertx) {
    new SessionStore(vertx, SecretBox.ephemeral()).putIfAbsent(context()).await();
    SessionStore stranger = new SessionStore(vertx, SecretBox.ephemeral());
    assertThatThrownBy(() -> stranger.get("acme/alice").await()).isInstanceOf(SealedSecretException.class)
        .hasMessageContaining("acme/alice#");
  }

  @Test
  void startCheckRefusesAMasterKeyThatOpensNoStoredContext(Vertx vertx) {
    SecretBox owner = SecretBox.ephemeral();
    new SessionStore(vertx, owner).checkMasterKey(20).await();
    new SessionStore(vertx, owner).putIfAbsent(context()).await();
    new SessionStore(vertx, owner).checkMasterKey(20).await();
    SecretBox stranger = SecretBox.ephemeral();
    assertThatThrownBy(() -> new SessionStore(vertx, stranger).checkMasterKey(20).await())
        .isInstanceOf(SealedSecretException.class)
        .hasMessageContaining(stranger.fingerprint())
        .hasMessageContaining("opens none of the 1 stored contexts");
  }

  @Test
  void secretMovedToAnotherUserDoesNotOpen(Vertx vertx) {
    SessionStore store = new SessionStore(vertx, SecretBox.ephemeral());
    store.putIfAbsent(context()).await();
    AsyncMap<String, String> map = vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await();
    JsonObject copied = new JsonObject(map.get("acme/alice").await()).put("user", "mallory");
    map.put("acme/mallory", copied.encode()).await();
    assertThatThrownBy(() -> store.get("acme/mallory").await()).isInstanceOf(SealedSecretException.class);
    assertThat(map.get("acme/mallory").await()).as("kept: another node's key may open it").isNotNull();
  }

  @Test
  void damagedEntryIsReportedWithItsKeyAndRemovedSoTheUserStartsAfresh(Vertx vertx) {
    SessionStore store = new SessionStore(vertx, SecretBox.ephemeral());
    AsyncMap<String, String> map = vertx.sharedData().<String, String>getAsyncMap(SessionStore.MAP_NAME).await();
    map.put("acme/broken", "{\"tenant\": \"acme\", truncated").await();
    map.put("acme/partial", "{\"tenant\": \"acme\", \"user\": \"partial\"}").await();
    try (LogCapture logs = new LogCapture()) {
      assertThat(store.get("acme/broken").await()).isNull();
      assertThat(store.get("acme/partial").await()).isNull();
      assertThat(logs.text()).contains("acme/broken is damaged (it is not JSON)", "acme/partial is damaged");
    }
    assertThat(map.get("acme/broken").await()).isNull();
    assertThat(map.get("acme/partial").await()).isNull();
    store.putIfAbsent(context()).await();
    assertThat(store.get("acme/alice").await()).isNotNull();
  }
}
