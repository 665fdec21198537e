package com.bunqconnector.config;

import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's callback settings, read from the {@code callbacks} section of {@code conf/connector.json}:
 * which source networks may post callbacks, which proxies' {@code X-Forwarded-For} is believed, how
 * long duplicates are remembered, and how delivery to consumers is retried.
 *
 * @param allowedNetworks  per environment, the CIDRs (IPv4 or IPv6, such as {@code 185.40.108.0/22}) a callback
 *                         may come from
 * @param trustedProxies   CIDRs of reverse proxies whose {@code X-Forwarded-For} names the real source
 * @param dedupeWindowMs   how long an accepted event's key is remembered cluster-wide
 * @param attempts         deliveries tried per consumer address before the event becomes a dead letter
 * @param initialBackoffMs wait after the first failed delivery; doubled after each further failure
 * @param maxBackoffMs     longest wait between two deliveries
 * @param ackTimeoutMs     how long a consumer has to acknowledge one delivery
 * @param leaseMs          how long a node owns a user's deliveries without renewing
 * @param sweepMs          how often a node looks for pending events nobody delivers
 * @param tokenGraceMs     how long a rotated-out callback token keeps working
 */
public record CallbackConfig(Map<Environment, List<String>> allowedNetworks, List<String> trustedProxies,
    long dedupeWindowMs, int attempts, long initialBackoffMs, long maxBackoffMs, long ackTimeoutMs, long leaseMs,
    long sweepMs, long tokenGraceMs) {

  /** bunq's documented source range of production callbacks. */
  public static final String BUNQ_PRODUCTION_NETWORK = "185.40.108.0/22";
  /** bunq documents no sandbox range: sandbox callbacks are allowed from anywhere unless configured. */
  public static final String ANY_NETWORK = "0.0.0.0/0";

  public CallbackConfig {
    allowedNetworks = Map.copyOf(allowedNetworks);
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** The settings when connector.json has no {@code callbacks} section. */
  public static CallbackConfig defaults() {
    return parse(new JsonFields("defaults", "callbacks", new JsonObject(), name -> null));
  }

  /** The networks callbacks of a tenant in this environment may come from. */
  public List<String> networksFor(Environment environment) {
    return allowedNetworks.getOrDefault(environment, List.of());
  }

  static CallbackConfig parse(JsonFields callbacks) {
    callbacks.allowOnly(Set.of("allowedNetworks", "trustedProxies", "dedupeWindowMs", "attempts",
        "initialBackoffMs", "maxBackoffMs", "ackTimeoutMs", "leaseMs", "sweepMs", "tokenGraceMs"));
    JsonFields networks = callbacks.object("allowedNetworks");
    networks.allowOnly(Set.of("emulator", "sandbox", "production"));
    Map<Environment, List<String>> allowed = new EnumMap<>(Environment.class);
    allowed.put(Environment.PRODUCTION, cidrs(networks, "production", List.of(BUNQ_PRODUCTION_NETWORK)));
    allowed.put(Environment.SANDBOX, cidrs(networks, "sandbox", List.of(ANY_NETWORK, "::/0")));
    allowed.put(Environment.EMULATOR, cidrs(networks, "emulator", List.of("127.0.0.0/8", "::1/128")));
    long initial = callbacks.integer("initialBackoffMs", 1_000, 1, 3_600_000);
    return new CallbackConfig(allowed, cidrs(callbacks, "trustedProxies", List.of()),
        callbacks.integer("dedupeWindowMs", 24 * 3_600_000, 1_000, Integer.MAX_VALUE),
        callbacks.integer("attempts", 6, 1, 100),
        initial,
        callbacks.integer("maxBackoffMs", 60_000, (int) initial, 86_400_000),
        callbacks.integer("ackTimeoutMs", 10_000, 10, 3_600_000),
        callbacks.integer("leaseMs", 15_000, 100, 3_600_000),
        callbacks.integer("sweepMs", 2_000, 10, 3_600_000),
        callbacks.integer("tokenGraceMs", 24 * 3_600_000, 0, Integer.MAX_VALUE));
  }

  private static List<String> cidrs(JsonFields fields, String key, List<String> fallback) {
    if (!fields.has(key)) {
      return fallback;
    }
    List<String> values = fields.strings(key);
    for (int i = 0; i < values.size(); i++) {
      if (!isCidr(values.get(i))) {
        throw fields.error(key + "[" + i + "]", "must be an IP network such as 185.40.108.0/22 or ::1/128, was "
            + ConfigException.quote(values.get(i)));
      }
    }
    return values;
  }

  /** Whether a text is an IPv4 or IPv6 address literal with a prefix length that fits it. */
  public static boolean isCidr(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 2 || !parts[1].matches("\\d{1,3}")) {
      return false;
    }
    int prefix = Integer.parseInt(parts[1]);
    if (NetUtil.isValidIpV4Address(parts[0])) {
      return prefix <= 32;
    }
    return NetUtil.isValidIpV6Address(parts[0]) && prefix <= 128;
  }
}
