package com.bunqconnector.config;

import java.util.List;
import java.util.Optional;

/** A node's whole configuration: the node file and every tenant file, validated. */
public record ConnectorConfig(NodeConfig node, List<TenantConfig> tenants) {

  public ConnectorConfig {
    tenants = List.copyOf(tenants);
  }

  public Optional<TenantConfig> tenant(String id) {
    return tenants.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  public int userCount() {
    return tenants.stream().mapToInt(t -> t.users().size()).sum();
  }
}
