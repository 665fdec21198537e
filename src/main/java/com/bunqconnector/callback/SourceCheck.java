package com.bunqconnector.callback;

import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.Environment;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a callback's source network may post callbacks for an environment. The source is
 * the peer address, unless the peer is a trusted proxy: then it is the right-most address of
 * {@code X-Forwarded-For} that is not itself a trusted proxy. CIDR matching is Netty's.
 */
final class SourceCheck {

  private final Map<Environment, List<IpSubnetFilterRule>> allowed = new EnumMap<>(Environment.class);
  private final List<IpSubnetFilterRule> proxies;

  SourceCheck(CallbackConfig config) {
    for (Environment environment : Environment.values()) {
      allowed.put(environment, rules(config.networksFor(environment)));
    }
    this.proxies = rules(config.trustedProxies());
  }

  /**
   * The address the callback came from, or {@code null} when it cannot be told (no peer address, or
   * a trusted proxy that sent a malformed {@code X-Forwarded-For}).
   */
  InetSocketAddress source(String peer, List<String> forwardedFor) {
    InetSocketAddress address = parse(peer);
    if (address == null || !matches(proxies, address) || forwardedFor.isEmpty()) {
      return address;
    }
    String[] hops = String.join(",", forwardedFor).split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      InetSocketAddress hop = parse(hops[i].trim());
      if (hop == null) {
        return null;
      }
      if (!matches(proxies, hop)) {
        return hop;
      }
    }
    return address;
  }

  boolean allowed(Environment environment, InetSocketAddress source) {
    return source != null && matches(allowed.get(environment), source);
  }

  private static boolean matches(List<IpSubnetFilterRule> rules, InetSocketAddress address) {
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(address)) {
        return true;
      }
    }
    return false;
  }

  /** An address literal without any name lookup, or {@code null}. */
  private static InetSocketAddress parse(String text) {
    if (text == null) {
      return null;
    }
    String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!NetUtil.isValidIpV4Address(literal) && !NetUtil.isValidIpV6Address(literal)) {
      return null;
    }
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
    return address == null ? null : new InetSocketAddress(address, 0);
  }

  private static List<IpSubnetFilterRule> rules(List<String> cidrs) {
    return cidrs.stream().map(cidr -> {
      String[] parts = cidr.split("/", 2);
      InetAddress network = NetUtil.createInetAddressFromIpAddressString(parts[0]);
      return new IpSubnetFilterRule(network, Integer.parseInt(parts[1]), IpFilterRuleType.ACCEPT);
    }).toList();
  }
}
