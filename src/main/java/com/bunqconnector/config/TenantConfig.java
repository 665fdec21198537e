package com.bunqconnector.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.regex.Pattern;

/**
 * One tenant, read from {@code conf/tenants/<tenant>.json}: its users, the bunq environment they
 * live in, and which event-bus addresses receive which callback categories.
 *
 * @param id            tenant id, used in the callback path and in session keys
 * @param file          the file it was read from, for messages
 * @param environment   which bunq the users live in
 * @param baseUrl       an explicit bunq base URL (ending in {@code /v1}), or {@code null} for the environment's
 * @param callbackToken the secret path token of the tenant's callback URL
 * @param users         the users, in file order, by id
 * @param consumers     callback category to consumer addresses; the key {@code *} catches every category
 * @param keyPerTenant  whether all users share one RSA key pair ({@code "keyPolicy": "per-tenant"}) instead of
 *                      one each ({@code "per-user"}, the default)
 * @param verifyCallbacks whether each callback's object is re-read from bunq before it is delivered
 *                        ({@code "verifyCallbacks": true}); what bunq does not confirm is dropped
 * @param accountFilters  whether callback filters are registered on each of a user's monetary accounts as well as
 *                        on the user ({@code "accountFilters": true})
 * @param tokenFromFile   whether the file names the callback token; a token made up because it names none gives
 *                        way to the one the cluster already holds for the tenant
 */
public record TenantConfig(String id, String file, Environment environment, String baseUrl, String callbackToken,
    Map<String, UserConfig> users, Map<String, List<String>> consumers, boolean keyPerTenant,
    boolean verifyCallbacks, boolean accountFilters, boolean tokenFromFile) {

  /** keyPolicy value: every user gets a key pair of its own. */
  public static final String KEY_PER_USER = "per-user";
  /** keyPolicy value: the users of the tenant share one key pair. */
  public static final String KEY_PER_TENANT = "per-tenant";

  /** The consumers key that receives callbacks of every category. */
  public static final String ANY_CATEGORY = "*";

  /**
   * The callback categories bunq documents (PROTOCOL.md 7.2: the 17 of the docs and the three more of
   * the OpenAPI enum). A name outside this set is almost always a typo, which bunq would refuse at
   * registration, so it is refused when the file is read.
   */
  public static final Set<String> CATEGORIES = Set.of("BILLING", "BUNQME_TAB", "CARD_TRANSACTION_FAILED",
      "CARD_TRANSACTION_SUCCESSFUL", "CHAT", "DRAFT_PAYMENT", "IDEAL", "MONETARY_ACCOUNT_PROFILE", "MUTATION", "OAUTH",
      "PAYMENT", "PROMOTION", "REQUEST", "SCHEDULE_RESULT", "SCHEDULE_STATUS", "SHARE", "SOFORT", "SUPPORT",
      "TAB_RESULT", "USER_APPROVAL");

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern IPV4_OR_ANY =
      Pattern.compile("\\*|((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** What the rule for tenant and user ids says, for messages. */
  public static final String ID_RULE = "must be lower-case letters, digits, '-' or '_' (at most 63)";

  /**
   * Checks what the fields must hold together.
   *
   * @throws ConfigException naming the file and {@code baseUrl} if a production tenant's base URL is
   *     not https (API keys and tokens would travel in clear)
   */
  public TenantConfig {
    if (environment == Environment.PRODUCTION && baseUrl != null && !baseUrl.startsWith("https://")) {
      throw ConfigException.field(file, "baseUrl", "must be an https URL for a production tenant, else API keys and"
          + " tokens travel in clear; was " + baseUrl);
    }
    users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    consumers = Collections.unmodifiableMap(new LinkedHashMap<>(consumers));
  }

  /** A tenant whose file names its callback token. */
  public TenantConfig(String id, String file, Environment environment, String baseUrl, String callbackToken,
      Map<String, UserConfig> users, Map<String, List<String>> consumers, boolean keyPerTenant,
      boolean verifyCallbacks, boolean accountFilters) {
    this(id, file, environment, baseUrl, callbackToken, users, consumers, keyPerTenant, verifyCallbacks,
        accountFilters, true);
  }

  /** A tenant whose callbacks are delivered without being re-read from bunq. */
  public TenantConfig(String id, String file, Environment environment, String baseUrl, String callbackToken,
      Map<String, UserConfig> users, Map<String, List<String>> consumers, boolean keyPerTenant) {
    this(id, file, environment, baseUrl, callbackToken, users, consumers, keyPerTenant, false, false);
  }

  /** Whether {@code id} may name a tenant or a user: see {@link #ID_RULE}. */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * Whether an API key has white space or control characters in it or around it: no bunq key or OAuth
   * token has, so it is a copy-and-paste slip, which would otherwise count as a key of its own.
   */
  public static boolean hasStrayCharacters(String apiKey) {
    return !apiKey.equals(apiKey.strip()) || apiKey.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20);
  }

  /** Whether {@code ip} may be one of a user's {@code permittedIps}: an IPv4 address or {@code *}. */
  public static boolean isPermittedIp(String ip) {
    return ip != null && IPV4_OR_ANY.matcher(ip).matches();
  }

  /**
   * This tenant with {@code extra} users after its own (users added at run time); an extra user with
   * the id of one of the tenant's own is left out.
   */
  public TenantConfig withUsers(Map<String, UserConfig> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, UserConfig> all = new LinkedHashMap<>(users);
    extra.forEach(all::putIfAbsent);
    return new TenantConfig(id, file, environment, baseUrl, callbackToken, all, consumers, keyPerTenant,
        verifyCallbacks, accountFilters, tokenFromFile);
  }

  public Optional<UserConfig> user(String userId) {
    return Optional.ofNullable(users.get(userId));
  }

  /** The addresses for a category, including the catch-all ones; empty when nobody listens. */
  public List<String> consumersFor(String category) {
    List<String> exact = consumers.getOrDefault(category, List.of());
    List<String> any = consumers.getOrDefault(ANY_CATEGORY, List.of());
    if (any.isEmpty()) {
      return exact;
    }
    return Stream.concat(exact.stream(), any.stream()).distinct().toList();
  }

  /** The categories to register with bunq: every consumers key except the catch-all. */
  public Set<String> categories() {
    return consumers.keySet().stream().filter(c -> !ANY_CATEGORY.equals(c))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** A printable form that never shows API keys or the callback token. */
  @Override
  public String toString() {
    return "TenantConfig[id=" + id + ", file=" + file + ", environment=" + environment.id() + ", users="
        + users.keySet() + ", consumers=" + consumers + ", keyPerTenant=" + keyPerTenant
        + ", verifyCallbacks=" + verifyCallbacks + ", accountFilters=" + accountFilters + "]";
  }
}
