package com.bunqconnector.cli;

import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.ConfigLoader;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.crypto.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the node's master key as {@code connector.json}'s {@code masterKey} says, and says where from. */
final class MasterKeys {

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
      if (node.clusterEnabled()) {
        throw new ConfigException(node.file() + ": masterKey: a cluster needs one master key on every node; set "
            + config.env() + " or masterKey.file (ephemeral keys differ per node)");
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

  private static byte[] decode(String text, String source, NodeConfig node) {
    try {
      return SecretBox.decodeKey(text, source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.file() + ": masterKey: " + e.getMessage(), e);
    }
  }
}
