package com.bunqconnector.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.config.Environment;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant file's callback token against the one the cluster holds: a changed file token takes over
 * (the old one in grace), the same file token keeps a rotated one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallbackTokensTest {

  private static final String FIRST = "first-file-token-0123456789abcdef";
  private static final String SECOND = "second-file-token-0123456789abcdef";

  private static TenantConfig acme(String token) {
    return new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, token, Map.of(), Map.of(), false);
  }

  private String stored(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(CallbackMaps.TOKENS).await().get("acme").await();
  }

  @Test
  void aChangedFileTokenBecomesCurrentAndTheOldOneStaysValidForTheGracePeriod(Vertx vertx) {
    CallbackTokens tokens = new CallbackTokens(vertx, 3_600_000);
    tokens.init(List.of(acme(FIRST))).await();
    assertThat(tokens.current(acme(FIRST)).await()).isEqualTo(FIRST);
    try (LogCapture log = new LogCapture()) {
      tokens.init(List.of(acme(SECOND))).await();
      assertThat(log.text()).contains("The callback token of tenant acme changed in acme.json")
          .doesNotContain(FIRST, SECOND);
    }
    tokens.init(List.of(acme(SECOND))).await();
    assertThat(tokens.current(acme(SECOND)).await()).isEqualTo(SECOND);
    assertThat(tokens.accepts(acme(SECOND), SECOND).await()).isTrue();
    assertThat(tokens.accepts(acme(SECOND), FIRST).await()).as("in grace, also after the same file again").isTrue();
    JsonObject entry = new JsonObject(stored(vertx));
    assertThat(entry.getString("file")).isEqualTo(CallbackTokens.fileDigest(acme(SECOND)))
        .doesNotContain(SECOND);

    CallbackTokens noGrace = new CallbackTokens(vertx, 0);
    noGrace.init(List.of(acme(FIRST))).await();
    assertThat(noGrace.accepts(acme(FIRST), FIRST).await()).isTrue();
    assertThat(noGrace.accepts(acme(FIRST), SECOND).await()).as("changed back without grace").isFalse();
  }

  @Test
  void aRotatedTokenStaysCurrentWhenANodeStartsWithTheSameFileToken(Vertx vertx) {
    CallbackTokens tokens = new CallbackTokens(vertx, 3_600_000);
    tokens.init(List.of(acme(FIRST))).await();
    String rotated = tokens.rotate(acme(FIRST)).await().getString("token");
    tokens.init(List.of(acme(FIRST))).await();
    assertThat(tokens.current(acme(FIRST)).await()).isEqualTo(rotated);
    assertThat(tokens.accepts(acme(FIRST), FIRST).await()).as("the file's, rotated out, in grace").isTrue();
    assertThat(new JsonObject(stored(vertx)).getString("file")).isEqualTo(CallbackTokens.fileDigest(acme(FIRST)));
  }

  @Test
  void aTokenMadeUpForAFileThatNamesNoneNeverReplacesTheClustersToken(Vertx vertx) {
    CallbackTokens tokens = new CallbackTokens(vertx, 3_600_000);
    TenantConfig firstNode = made(FIRST);
    TenantConfig secondNode = made(SECOND);
    tokens.init(List.of(firstNode)).await();
    tokens.init(List.of(secondNode)).await();
    assertThat(tokens.current(secondNode).await()).as("the first node's, which bunq already has").isEqualTo(FIRST);
    assertThat(tokens.accepts(secondNode, SECOND).await()).isFalse();
    tokens.init(List.of(acme(SECOND))).await();
    assertThat(tokens.current(acme(SECOND)).await()).as("a token the file names does replace it").isEqualTo(SECOND);
  }

  /** The tenant as a node reads a file without a callbackToken: with a token of its own making. */
  private static TenantConfig made(String token) {
    return new TenantConfig("acme", "acme.json", Environment.EMULATOR, null, token, Map.of(), Map.of(), false, false,
        false, false);
  }

  @Test
  void aFileTokenTheRegistrarTakesWhileTheNodeRunsKeepsTheOldOneValidForTheGracePeriod(Vertx vertx) {
    FilterRegistrar registrar = new FilterRegistrar(vertx, null, "http://127.0.0.1:1", 3_600_000);
    registrar.takeToken(acme(FIRST)).await();
    registrar.takeToken(acme(SECOND)).await();
    CallbackTokens tokens = new CallbackTokens(vertx, 0);
    assertThat(tokens.current(acme(SECOND)).await()).isEqualTo(SECOND);
    assertThat(tokens.accepts(acme(SECOND), FIRST).await()).as("callbacks already on their way").isTrue();
  }
}
