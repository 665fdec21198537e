package com.bunqconnector.cli;

import com.bunqconnector.callback.FilterRegistrar;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.TenantWatcher;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants a node serves while it runs, kept in step with their files: the map the callback
 * endpoint and the admin actions read ({@link #served()}), the users registered with the
 * {@link SessionManager}, and their callback filters at bunq. A tenant added by its file gets its
 * users registered and their filters; a removed tenant or user stops being served (its calls fail
 * as an unknown user) after this connector's filters were taken out of its set at bunq, when it has a
 * context to do that with; a changed tenant re-registers the users whose credentials, bunq or filters
 * changed. Consumer addresses are read from {@link #served()} at each delivery, so a change applies to
 * the deliveries that follow.
 *
 * <p>The in-memory state changes under this object's lock, never while bunq is called.
 */
final class LiveTenants {

  private static final Logger log = LoggerFactory.getLogger(LiveTenants.class);

  private final NodeConfig node;
  private final String emulatorBaseUrl;
  private final String emulatorBunq;
  private final SessionManager sessions;
  /** The tenants served, by id, each with every user it serves. */
  private final Map<String, TenantConfig> served = new ConcurrentHashMap<>();
  /** The tenants as their files give them, by id. */
  private final Map<String, TenantConfig> files = new LinkedHashMap<>();
  private volatile FilterRegistrar filters;

  /**
   * @param emulatorBaseUrl base URL of the embedded emulator, or {@code null} when none runs
   * @param emulatorBunq    the embedded emulator's identity (see {@link UserSpec#bunq()})
   */
  LiveTenants(NodeConfig node, String emulatorBaseUrl, String emulatorBunq, SessionManager sessions) {
    this.node = node;
    this.emulatorBaseUrl = emulatorBaseUrl;
    this.emulatorBunq = emulatorBunq;
    this.sessions = sessions;
  }

  /** The served tenants by id, read live: the map changes as the tenants do. */
  Map<String, TenantConfig> served() {
    return served;
  }

  /** Serves a tenant of the node's start, registering its users; filters are registered by the node. */
  synchronized void serve(TenantConfig tenant) {
    specs(tenant).forEach(sessions::register);
    files.put(tenant.id(), tenant);
    served.put(tenant.id(), tenant);
  }

  /** The registrar of filters, once the callback endpoint listens; changes before then register none. */
  void useFilters(FilterRegistrar registrar) {
    this.filters = registrar;
  }

  /**
   * Refuses a tenant the node cannot run: one of the emulator environment while no emulator runs.
   *
   * @throws ConfigException naming the file and the field
   */
  void check(TenantConfig tenant) {
    specs(tenant);
  }

  /** Applies what a read of the tenants directory changed; never fails. */
  Future<Void> apply(TenantWatcher.Changes changes) {
    List<Future<?>> work = new ArrayList<>();
    for (TenantConfig tenant : changes.removed()) {
      work.add(remove(tenant.id()));
    }
    for (TenantWatcher.Change change : changes.changed()) {
      work.add(change(change.after()));
    }
    for (TenantConfig tenant : changes.added()) {
      work.add(change(tenant));
    }
    return Future.join(work).otherwiseEmpty().mapEmpty();
  }

  /** Serves the tenant as its file now gives it (added or changed). */
  private Future<Void> change(TenantConfig tenant) {
    TenantConfig before;
    TenantConfig after;
    Set<String> register = new LinkedHashSet<>();
    List<String> dropped = new ArrayList<>();
    synchronized (this) {
      before = served.get(tenant.id());
      after = tenant;
      Map<String, UserSpec> old = before == null ? Map.of() : byUser(specs(before));
      for (UserSpec spec : specs(after)) {
        if (!spec.equals(old.get(spec.user()))) {
          sessions.register(spec);
          register.add(spec.user());
        }
      }
      if (before != null) {
        before.users().keySet().stream().filter(user -> !after.users().containsKey(user)).forEach(dropped::add);
        if (!before.categories().equals(after.categories()) || before.accountFilters() != after.accountFilters()) {
          register.addAll(after.users().keySet());
        }
        if (!before.callbackToken().equals(after.callbackToken())) {
          log.warn("The callbackToken in {} changed; the cluster keeps the token tenant {} runs with (use the"
              + " rotate-token admin action for a new one)", after.file(), after.id());
        }
      }
      files.put(after.id(), tenant);
      served.put(after.id(), after);
    }
    log.info("Tenant {} {} from {}: users {}", after.id(), before == null ? "added" : "changed", after.file(),
        after.users().keySet());
    return drop(before, dropped).compose(done -> registerFilters(after, register));
  }

  /** Stops serving a tenant whose file is gone. */
  private Future<Void> remove(String id) {
    TenantConfig before;
    synchronized (this) {
      files.remove(id);
      before = served.remove(id);
    }
    if (before == null) {
      return Future.succeededFuture();
    }
    log.info("Tenant {} removed: its file {} is gone", id, before.file());
    return drop(before, before.users().keySet());
  }

  /**
   * Takes this connector's filters of each user out of its set at bunq (for a user with a stored
   * context: one without is not given a context just for that), then stops serving the users.
   */
  private Future<Void> drop(TenantConfig tenant, Collection<String> users) {
    List<Future<?>> removals = new ArrayList<>();
    for (String user : users) {
      FilterRegistrar registrar = filters;
      Future<Void> removed = registrar == null ? Future.succeededFuture()
          : sessions.hasContext(tenant.id(), user).compose(has -> has ? registrar.remove(tenant, user)
              : Future.succeededFuture());
      removals.add(removed
          .onFailure(e -> log.warn("Could not take the callback filters of {}/{} out at bunq: {}", tenant.id(), user,
              e.getMessage()))
          .eventually(() -> {
            synchronized (this) {
              TenantConfig now = served.get(tenant.id());
              if (now == null || !now.users().containsKey(user)) {
                sessions.unregister(tenant.id(), user);
              }
            }
            return Future.succeededFuture();
          }));
    }
    return Future.join(removals).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> registerFilters(TenantConfig tenant, Collection<String> users) {
    FilterRegistrar registrar = filters;
    if (registrar == null || users.isEmpty()) {
      return Future.succeededFuture();
    }
    return registrar.registerUsers(tenant, users).onSuccess(report -> logReport(tenant, report)).mapEmpty();
  }

  /** Logs the outcome of a registration of a tenant's filters: one line, naming the users that failed. */
  static void logReport(TenantConfig tenant, JsonObject report) {
    JsonObject failed = report.getJsonObject("failed");
    if (failed.isEmpty()) {
      log.info("Callback filters of tenant {} registered for its {} users", tenant.id(),
          report.getJsonArray("registered").size());
    } else {
      log.warn("Callback filters of tenant {} registered for {} users; not for {} (register them later with the"
          + " register-filters admin action): {}", tenant.id(), report.getJsonArray("registered").size(),
          failed.size(), failed.encode());
    }
  }

  private static Map<String, UserSpec> byUser(List<UserSpec> specs) {
    Map<String, UserSpec> users = new LinkedHashMap<>();
    specs.forEach(spec -> users.put(spec.user(), spec));
    return users;
  }

  /** What it takes to open each user's context. @throws ConfigException when no emulator runs for it */
  List<UserSpec> specs(TenantConfig tenant) {
    String baseUrl = baseUrl(tenant);
    String bunq = bunq(tenant);
    List<UserSpec> specs = new ArrayList<>();
    for (UserConfig user : tenant.users().values()) {
      specs.add(new UserSpec(tenant.id(), user.id(), baseUrl, user.apiKey(), user.permittedIps(),
          tenant.environment().createsSandboxUsers(), tenant.keyPerTenant(), bunq));
    }
    return specs;
  }

  private String baseUrl(TenantConfig tenant) {
    if (tenant.baseUrl() != null) {
      return tenant.baseUrl();
    }
    if (tenant.environment() != Environment.EMULATOR) {
      return tenant.environment().baseUrl();
    }
    String emulator = emulatorBaseUrl != null ? emulatorBaseUrl : node.emulatorBaseUrl();
    if (emulator == null) {
      throw new ConfigException(tenant.file() + ": environment: emulator, but no emulator runs: set emulator.embedded"
          + " or emulator.baseUrl in " + node.file() + ", or baseUrl in the tenant file");
    }
    return emulator;
  }

  /**
   * Which bunq a tenant's users belong to: the environment for bunq's own, the URL for a tenant
   * that names one, the embedded emulator's identity, or a standalone emulator's URL.
   */
  private String bunq(TenantConfig tenant) {
    if (tenant.baseUrl() != null) {
      return tenant.baseUrl();
    }
    if (tenant.environment() != Environment.EMULATOR) {
      return tenant.environment().id();
    }
    return emulatorBaseUrl != null ? Objects.requireNonNullElse(emulatorBunq, "emulator " + emulatorBaseUrl)
        : "emulator " + node.emulatorBaseUrl();
  }
}
