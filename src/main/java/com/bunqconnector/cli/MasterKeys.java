package com.bunqconnector.cli;

import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import com.bunqconnector.store.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's master key as {@code connector.json}'s {@code masterKey} says, and says where from.
 *
 * <p>With {@code masterKey.ephemeral} and no key configured, a node whose state is in memory gets a
 * random key for this process only. A node with an embedded store cannot use such a key: the contexts it
 * stores would not open after a restart. It gets a generated key kept in {@value #GENERATED_FILE} in the
 * data directory instead, created readable by its owner only and reused by every later start.
 */
final class MasterKeys {

  /** The file in the data directory that holds a generated master key. */
  static final String GENERATED_FILE = "master.key";

  private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);

  private MasterKeys() {
  }

  /**
   * The box that seals this node's secrets. Reads files on the calling thread: call it at start,
   * before any event loop work.
   *
   * @throws ConfigException when no key can be had, or the key found is malformed
   */
  static SecretBox resolve(NodeConfig node, Path confDir, Function<String, String> env) {
    return resolve(node, confDir, env, node.clusterEnabled(), null);
  }

  /**
   * Like {@link #resolve(NodeConfig, Path, Function)}, for a node that may run clustered whatever
   * connector.json says, and keeps its state in {@code dataDir} ({@code null}: in memory or in a shared
   * database, where no generated key can serve).
   */
  static SecretBox resolve(NodeConfig node, Path confDir, Function<String, String> env, boolean clustered,
      Path dataDir) {
    NodeConfig.MasterKeyConfig config = node.masterKey();
    String fromEnv = config.env() == null ? null : env.apply(config.env());
    SecretBox box;
    if (fromEnv != null && !fromEnv.isBlank()) {
      box = new SecretBox(decode(fromEnv, "environment variable " + config.env(), node));
      log.info("Sealing secrets under the master key from {} (fingerprint {})", config.env(), box.fingerprint());
    } else if (config.file() != null) {
      Path file = ConfigLoader.resolve(confDir, config.file());
      String text;
      try {
        text = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new ConfigException(node.file() + ": masterKey.file: cannot read " + file + ": " + e.getMessage(), e);
      }
      box = new SecretBox(decode(text, "master key file " + file, node));
      log.info("Sealing secrets under the master key from {} (fingerprint {})", file, box.fingerprint());
    } else if (config.ephemeral()) {
      if (clustered) {
        throw new ConfigException(node.file() + ": masterKey: a cluster needs one master key on every node; set "
            + config.env() + " or masterKey.file (ephemeral keys differ per node)");
      }
      if (node.store().type() == NodeConfig.StoreType.POSTGRESQL) {
        throw new ConfigException(node.file() + ": masterKey: a shared store (store.type postgresql) needs the same"
            + " master key on every node that uses it; set " + config.env() + " or masterKey.file");
      }
      if (dataDir != null) {
        return generated(node, dataDir.resolve(GENERATED_FILE));
      }
      box = SecretBox.ephemeral();
      log.warn("No master key configured: secrets are sealed under a random key that dies with this process,"
          + " so contexts will not outlive it. Set {} for anything but a demo", config.env());
    } else {
      throw new ConfigException(node.file() + ": masterKey: no master key: set the environment variable "
          + config.env() + " (base64 of 32 random bytes: openssl rand -base64 32) or masterKey.file, or allow"
          + " masterKey.ephemeral for a demo");
    }
    return box;
  }

  /** The key in {@code file}, made there first (owner-only) if there is none. */
  private static SecretBox generated(NodeConfig node, Path file) {
    boolean made = false;
    if (!Files.exists(file)) {
      made = create(node, file);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(node.file() + ": masterKey: cannot read the generated key " + file + ": "
          + e.getMessage(), e);
    }
    SecretBox box = new SecretBox(decode(text, "generated master key file " + file, node));
    log.warn("No master key configured: secrets are sealed under the key {} in {} (fingerprint {}), which stored"
        + " contexts need after a restart: keep it with the data directory, and set {} for anything but a demo",
        made ? "generated now" : "generated earlier", file, box.fingerprint(), node.masterKey().env());
    return box;
  }

  /**
   * Writes a new random key to {@code file}, readable by its owner only, atomically: a file that
   * exists is complete. Returns false if another process made it first.
   */
  private static boolean create(NodeConfig node, Path file) {
    byte[] key = new byte[SecretBox.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    try {
      return PrivateFiles.createOnce(file, Base64.getEncoder().encodeToString(key) + "\n");
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException(node.file() + ": masterKey: cannot create the generated key " + file + ": "
          + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }


  private static byte[] decode(String text, String source, NodeConfig node) {
    try {
      return SecretBox.decodeKey(text, source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.file() + ": masterKey: " + e.getMessage(), e);
    }
  }
}
