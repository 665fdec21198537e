package com.bunqconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code callbacks} section of connector.json and the callback fields of a tenant file. */
class CallbackConfigTest {

  private static NodeConfig node(String json) {
    return NodeConfig.parse("connector.json", new JsonObject(json), name -> null);
  }

  @Test
  void defaultsAllowBunqsProductionRangeAnySandboxSourceAndLoopbackForTheEmulator() {
    CallbackConfig callbacks = node("{}").callbacks();
    assertThat(callbacks.networksFor(Environment.PRODUCTION)).containsExactly("185.40.108.0/22");
    assertThat(callbacks.networksFor(Environment.SANDBOX)).containsExactly("0.0.0.0/0", "::/0");
    assertThat(callbacks.networksFor(Environment.EMULATOR)).containsExactly("127.0.0.0/8", "::1/128");
    assertThat(callbacks.trustedProxies()).isEmpty();
    assertThat(callbacks.attempts()).isEqualTo(6);
    assertThat(callbacks.dedupeWindowMs()).isEqualTo(24 * 3_600_000L);
    assertThat(callbacks).isEqualTo(CallbackConfig.defaults());
  }

  @Test
  void readsNetworksProxiesAndRetries() {
    CallbackConfig callbacks = node("""
        {"callbacks": {"allowedNetworks": {"sandbox": ["10.0.0.0/8"]}, "trustedProxies": ["192.168.1.0/24"],
         "attempts": 3, "initialBackoffMs": 500, "maxBackoffMs": 4000, "dedupeWindowMs": 60000,
         "ackTimeoutMs": 2000, "leaseMs": 5000, "sweepMs": 1000, "tokenGraceMs": 0}}""").callbacks();
    assertThat(callbacks.networksFor(Environment.SANDBOX)).containsExactly("10.0.0.0/8");
    assertThat(callbacks.networksFor(Environment.PRODUCTION)).containsExactly("185.40.108.0/22");
    assertThat(callbacks.trustedProxies()).containsExactly("192.168.1.0/24");
    assertThat(callbacks).isEqualTo(new CallbackConfig(callbacks.allowedNetworks(), List.of("192.168.1.0/24"),
        60_000, 3, 500, 4000, 2000, 5000, 1000, 0));
  }

  @Test
  void namesABadNetworkAnUnknownEnvironmentAndAMisspeltField() {
    assertThatThrownBy(() -> node("{\"callbacks\": {\"trustedProxies\": [\"10.0.0.0/33\"]}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("callbacks.trustedProxies[0]")
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> node("{\"callbacks\": {\"allowedNetworks\": {\"production\": [\"bunq.com/22\"]}}}"))
        .hasMessageContaining("callbacks.allowedNetworks.production[0]");
    assertThatThrownBy(() -> node("{\"callbacks\": {\"allowedNetworks\": {\"staging\": []}}}"))
        .hasMessageContaining("callbacks.allowedNetworks.staging");
    assertThatThrownBy(() -> node("{\"callbacks\": {\"attempt\": 3}}")).hasMessageContaining("callbacks.attempt");
    assertThatThrownBy(() -> node("{\"callbacks\": {\"attempts\": 0}}")).hasMessageContaining("between 1 and 100");
  }

  @Test
  void cidrsAreAddressLiteralsWithAFittingPrefix() {
    assertThat(CallbackConfig.isCidr("185.40.108.0/22")).isTrue();
    assertThat(CallbackConfig.isCidr("2001:db8::/32")).isTrue();
    assertThat(CallbackConfig.isCidr("::1/129")).isFalse();
    assertThat(CallbackConfig.isCidr("localhost/8")).isFalse();
    assertThat(CallbackConfig.isCidr("10.0.0.1")).isFalse();
  }

  @Test
  void tenantFileReadsVerifyCallbacksAndAccountFilters() {
    TenantConfig tenant = TenantFile.parse("acme.json", new JsonObject("""
        {"id": "acme", "users": [{"id": "alice"}], "verifyCallbacks": true, "accountFilters": true,
         "callbacks": {"PAYMENT": ["acme.pay"]}}"""), Environment.EMULATOR, name -> null);
    assertThat(tenant.verifyCallbacks()).isTrue();
    assertThat(tenant.accountFilters()).isTrue();
    TenantConfig plain = TenantFile.parse("acme.json", new JsonObject("""
        {"id": "acme", "users": [{"id": "alice"}]}"""), Environment.EMULATOR, name -> null);
    assertThat(plain.verifyCallbacks()).isFalse();
    assertThat(plain.accountFilters()).isFalse();
    assertThatThrownBy(() -> TenantFile.parse("acme.json", new JsonObject("""
        {"id": "acme", "users": [{"id": "alice"}], "verifyCallbacks": "yes"}"""), Environment.EMULATOR, name -> null))
        .hasMessageContaining("verifyCallbacks").hasMessageContaining("true or false");
  }
}
