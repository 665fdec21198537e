package com.bunqconnector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {

  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir
  Path conf;

  private NodeConfig node(String connectorJson) throws IOException {
    return node(conf, connectorJson);
  }

  /** The node configuration of {@code connectorJson}, written into {@code conf} with a tenant of one user. */
  static NodeConfig node(Path conf, String connectorJson) throws IOException {
    Files.createDirectories(conf.resolve("tenants"));
    Files.writeString(conf.resolve("tenants/a.json"), "{\"id\":\"a\",\"users\":[{\"id\":\"u\"}]}");
    Files.writeString(conf.resolve("connector.json"), connectorJson);
    Vertx vertx = Vertx.vertx();
    try {
      return new ConfigLoader(vertx, name -> null).load(conf).await().node();
    } finally {
      vertx.close().await();
    }
  }

  private SecretBox resolve(String connectorJson, Function<String, String> env) throws IOException {
    return MasterKeys.resolve(node(connectorJson), conf, env);
  }

  @Test
  void takesTheKeyFromTheEnvironmentFirst() throws IOException {
    SecretBox box = resolve("{\"masterKey\":{\"file\":\"missing.key\"}}", Map.of(NodeConfig.DEFAULT_MASTER_KEY_ENV,
        KEY)::get);
    assertThat(box.fingerprint()).isEqualTo(new SecretBox(new byte[32]).fingerprint());
  }

  @Test
  void takesTheKeyFromAFileRelativeToTheConfiguration() throws IOException {
    Files.writeString(conf.resolve("master.key"), KEY + "\n");
    SecretBox box = resolve("{\"masterKey\":{\"file\":\"master.key\"}}", name -> null);
    assertThat(box.fingerprint()).isEqualTo(new SecretBox(new byte[32]).fingerprint());
  }

  @Test
  void refusesToStartWithoutAKeyUnlessEphemeralIsAllowed() throws IOException {
    assertThatThrownBy(() -> resolve("{}", name -> null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("masterKey: no master key").hasMessageContaining("BUNQ_CONNECTOR_MASTER_KEY");
    assertThat(resolve("{\"masterKey\":{\"ephemeral\":true}}", name -> null).fingerprint()).hasSize(8);
  }

  @Test
  void refusesEphemeralKeysInACluster() throws IOException {
    assertThatThrownBy(() -> resolve("{\"masterKey\":{\"ephemeral\":true},\"cluster\":{\"enabled\":true}}",
        name -> null)).hasMessageContaining("a cluster needs one master key on every node");
  }

  @Test
  void namesAMalformedKeyAndWhereItCameFrom() throws IOException {
    assertThatThrownBy(() -> resolve("{\"masterKey\":{\"env\":\"MY_KEY\"}}", Map.of("MY_KEY", "short")::get))
        .isInstanceOf(ConfigException.class).hasMessageContaining("environment variable MY_KEY")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> resolve("{\"masterKey\":{\"file\":\"nope.key\"}}", name -> null))
        .hasMessageContaining("masterKey.file: cannot read");
  }

  @Test
  void ephemeralWithAnEmbeddedStoreGeneratesAnOwnerOnlyKeyFileAndReusesIt() throws IOException {
    Path data = conf.resolve("data");
    NodeConfig node = node("{\"masterKey\":{\"ephemeral\":true}}");
    SecretBox first = MasterKeys.resolve(node, conf, name -> null, false, data);
    Path file = data.resolve(MasterKeys.GENERATED_FILE);
    assertThat(file).exists();
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE);
    assertThat(SecretBox.decodeKey(Files.readString(file), "test")).hasSize(SecretBox.KEY_BYTES);
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files).as("no temporary file is left").containsExactly(file);
    }
    SecretBox again = MasterKeys.resolve(node, conf, name -> null, false, data);
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    String sealed = first.seal("secret", "acme/alice#apiKey");
    assertThat(again.open(sealed, "acme/alice#apiKey")).isEqualTo("secret");
  }

  @Test
  void aConfiguredKeyWinsOverTheGeneratedOne() throws IOException {
    Path data = conf.resolve("data");
    NodeConfig node = node("{\"masterKey\":{\"ephemeral\":true}}");
    SecretBox box = MasterKeys.resolve(node, conf, Map.of(NodeConfig.DEFAULT_MASTER_KEY_ENV, KEY)::get, false, data);
    assertThat(box.fingerprint()).isEqualTo(new SecretBox(new byte[32]).fingerprint());
    assertThat(data.resolve(MasterKeys.GENERATED_FILE)).doesNotExist();
  }

  @Test
  void refusesEphemeralKeysWithASharedStoreOrWhenClusteredByTheCommandLine() throws IOException {
    assertThatThrownBy(() -> MasterKeys.resolve(node("{\"masterKey\":{\"ephemeral\":true},\"store\":{\"type\":"
        + "\"postgresql\",\"url\":\"jdbc:postgresql://127.0.0.1/x\",\"user\":\"u\"}}"), conf, name -> null, false,
        null)).isInstanceOf(ConfigException.class).hasMessageContaining("store.type postgresql");
    assertThatThrownBy(() -> MasterKeys.resolve(node("{\"masterKey\":{\"ephemeral\":true}}"), conf, name -> null,
        true, conf.resolve("data"))).hasMessageContaining("a cluster needs one master key on every node");
  }
}
