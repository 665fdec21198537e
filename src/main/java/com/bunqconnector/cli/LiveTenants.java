package com.bunqconnector.cli;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.callback.FilterRegistrar;
import com.bunqconnector.callback.UserAdmin;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.Environment;
import com.bunqconnector.config.NodeConfig;
import com.bunqconnector.config.TenantConfig;
import com.bunqconnector.config.TenantWatcher;
import com.bunqconnector.config.UserConfig;
import com.bunqconnector.session.RuntimeUsers;
import com.bunqconnector.session.SessionManager;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>It also serves the users added to a tenant at run time ({@link UserAdmin}): they are kept in
 * {@link RuntimeUsers} (durable with the node's state), and the node that adds or removes one publishes
 * {@link Addresses#USER_EVENTS}, so every node of the cluster serves the same users; a node that
 * starts later loads them all. Such a user is served beside the tenant file's users, as long as the
 * tenant is; a tenant file may not take its id. An add-user checks the new user's API key against the
 * tenant's users, and stores it, while it holds a cluster-wide claim on that key, so that two users
 * added at the same time, on one node or two, cannot share a key.
 *
 * <p>The in-memory state changes under this object's lock, never while bunq is called.
 */
final class LiveTenants implements UserAdmin {

  private static final Logger log = LoggerFactory.getLogger(LiveTenants.class);

  /** Type of the event of a user added at run time. */
  static final String USER_ADDED = "user-added";
  /** Type of the event of a user added at run time that is removed. */
  static final String USER_REMOVED = "user-removed";

  private final NodeConfig node;
  private final String emulatorBaseUrl;
  private final String emulatorBunq;
  private final SessionManager sessions;
  private final Vertx vertx;
  private final RuntimeUsers stored;
  /** The users added at run time, by tenant and then by user id, whether their tenant is served or not. */
  private final Map<String, Map<String, UserConfig>> runtime = new LinkedHashMap<>();
  /** The tenants served, by id, each with every user it serves. */
  private final Map<String, TenantConfig> served = new ConcurrentHashMap<>();
  /** The tenants as their files give them, by id. */
  private final Map<String, TenantConfig> files = new LinkedHashMap<>();
  private volatile FilterRegistrar filters;

  /**
   * @param emulatorBaseUrl base URL of the embedded emulator, or {@code null} when none runs
   * @param emulatorBunq    the embedded emulator's identity (see {@link UserSpec#bunq()})
   */
  LiveTenants(Vertx vertx, NodeConfig node, String emulatorBaseUrl, String emulatorBunq, SessionManager sessions,
      RuntimeUsers stored) {
    this.vertx = vertx;
    this.stored = stored;
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
   * Refuses a tenant the node cannot run: one of the emulator environment while no emulator runs, or
   * one whose file lists a user of the id of a user added to it at run time.
   *
   * @throws ConfigException naming the file and the field
   */
  void check(TenantConfig tenant) {
    specs(tenant);
    Map<String, UserConfig> added;
    synchronized (this) {
      added = Map.copyOf(runtime.getOrDefault(tenant.id(), Map.of()));
    }
    List<String> ids = List.copyOf(tenant.users().keySet());
    for (int i = 0; i < ids.size(); i++) {
      if (added.containsKey(ids.get(i))) {
        throw new ConfigException(tenant.file() + ": users[" + i + "].id: " + ConfigException.quote(ids.get(i))
            + " is a user added at run time (add-user); remove it with remove-user first, or give this one"
            + " another id");
      }
    }
  }

  /**
   * Applies what a read of the tenants directory changed, removals first (a tenant id may move from a
   * removed file to a new one); never fails.
   */
  Future<Void> apply(TenantWatcher.Changes changes) {
    List<Future<?>> removals = new ArrayList<>();
    for (TenantConfig tenant : changes.removed()) {
      removals.add(remove(tenant.id()));
    }
    return Future.join(removals).otherwiseEmpty().compose(removed -> {
      List<Future<?>> work = new ArrayList<>();
      for (TenantWatcher.Change change : changes.changed()) {
        work.add(change(change.after()));
      }
      for (TenantConfig tenant : changes.added()) {
        work.add(change(tenant));
      }
      return Future.join(work).otherwiseEmpty();
    }).mapEmpty();
  }

  /** Serves the tenant as its file now gives it (added or changed). */
  private Future<Void> change(TenantConfig tenant) {
    TenantConfig before;
    TenantConfig after;
    Set<String> register = new LinkedHashSet<>();
    List<String> dropped = new ArrayList<>();
    boolean newToken;
    synchronized (this) {
      before = served.get(tenant.id());
      after = tenant.withUsers(runtime.getOrDefault(tenant.id(), Map.of()));
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
      }
      newToken = before == null || !before.callbackToken().equals(after.callbackToken());
      if (before != null && newToken) {
        log.info("The callbackToken of tenant {} changed in {}: the filters of all its users are registered again",
            after.id(), after.file());
        register.addAll(after.users().keySet());
      }
      files.put(after.id(), tenant);
      served.put(after.id(), after);
    }
    log.info("Tenant {} {} from {}: users {}", after.id(), before == null ? "added" : "changed", after.file(),
        after.users().keySet());
    FilterRegistrar registrar = filters;
    Future<Void> token = newToken && registrar != null ? registrar.takeToken(after).otherwise(e -> {
      log.warn("The callback token of tenant {} could not be handed to the cluster: {}", after.id(), e.getMessage());
      return null;
    }) : Future.succeededFuture();
    return drop(before, dropped).compose(done -> token).compose(done -> registerFilters(after, register));
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
      removals.add(removeFilters(tenant, user).onComplete(done -> {
        synchronized (this) {
          TenantConfig now = served.get(tenant.id());
          if (now == null || !now.users().containsKey(user)) {
            sessions.unregister(tenant.id(), user);
          }
        }
      }));
    }
    return Future.join(removals).otherwiseEmpty().mapEmpty();
  }

  /**
   * Takes this connector's filters out of the user's set at bunq, when it has a stored context (one
   * is not made for that); a failure is logged, and the future still succeeds.
   */
  private Future<Void> removeFilters(TenantConfig tenant, String user) {
    FilterRegistrar registrar = filters;
    if (registrar == null) {
      return Future.succeededFuture();
    }
    return sessions.hasContext(tenant.id(), user)
        .compose(has -> has ? registrar.remove(tenant, user).onSuccess(done -> log.info("Took the callback"
            + " filters of {}/{} out at bunq", tenant.id(), user)) : Future.succeededFuture())
        .otherwise(e -> {
          log.warn("Could not take the callback filters of {}/{} out at bunq: {}", tenant.id(), user, e.getMessage());
          return null;
        });
  }

  private Future<Void> registerFilters(TenantConfig tenant, Collection<String> users) {
    FilterRegistrar registrar = filters;
    if (registrar == null || users.isEmpty()) {
      return Future.succeededFuture();
    }
    return registrar.registerUsers(tenant, users).onSuccess(report -> logReport(tenant, report)).mapEmpty();
  }

  /**
   * Starts serving the users added at run time: listens for the cluster's {@link Addresses#USER_EVENTS},
   * then loads every stored user. A user whose id its tenant file took meanwhile is left out, with a warning.
   */
  Future<Void> serveRuntimeUsers() {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.USER_EVENTS, message -> {
      JsonObject event = message.body();
      String tenant = event.getString("tenant");
      String user = event.getString("user");
      if (USER_ADDED.equals(event.getString("type"))) {
        stored.get(tenant, user).onSuccess(found -> {
          if (found != null) {
            serveRuntime(found);
          }
        }).onFailure(e -> log.error("The user {}/{} added at run time cannot be used: {}", tenant, user,
            e.getMessage()));
      } else if (USER_REMOVED.equals(event.getString("type"))) {
        unserveRuntime(tenant, user);
      }
    });
    return consumer.completion().compose(listening -> stored.all()).map(users -> {
      users.forEach(this::serveRuntime);
      if (!users.isEmpty()) {
        log.info("Serving {} users added at run time", users.size());
      }
      return null;
    });
  }

  @Override
  public Future<JsonObject> add(String tenant, String user, String apiKey, List<String> permittedIps) {
    synchronized (this) {
      TenantConfig file = files.get(tenant);
      if (file == null) {
        return Future.failedFuture(new IllegalArgumentException("tenant '" + tenant + "' is not configured"));
      }
      if (file.users().containsKey(user)) {
        return Future.failedFuture(new IllegalArgumentException("user '" + user + "' of tenant '" + tenant
            + "' is in its tenant file " + file.file() + "; a user added at run time needs an id of its own"));
      }
    }
    RuntimeUsers.User entry = new RuntimeUsers.User(tenant, user, apiKey, permittedIps);
    Future<Void> storedAlone = stored.withKeyClaimed(entry, () -> store(entry)).recover(e -> {
      if (!(e instanceof RuntimeUsers.KeyClaimed claimed)) {
        return Future.failedFuture(e);
      }
      return Future.failedFuture(claimed.user().equals(user)
          ? new IllegalArgumentException("user '" + user + "' is being added to tenant '" + tenant + "' already")
          : keyTaken(claimed.user(), tenant, " (it is being added now)"));
    });
    return storedAlone.compose(done -> {
      serveRuntime(entry);
      publish(USER_ADDED, tenant, user);
      log.info("User {}/{} added at run time", tenant, user);
      TenantConfig now = served.get(tenant);
      Future<JsonObject> registration = filters == null || now == null
          ? Future.succeededFuture(new JsonObject().put("registered", new JsonArray()).put("failed", new JsonObject()))
          : filters.registerUsers(now, List.of(user));
      return registration.map(report -> new JsonObject().put("tenant", tenant).put("user", user).put("added", true)
          .put("registration", report));
    });
  }

  /**
   * Stores a user added at run time unless its API key is the key of another user of its tenant, in
   * its file or stored; to be run while the key is claimed ({@link RuntimeUsers#withKeyClaimed}), so
   * that no other add-user of the key checks and stores in between, on this node or another.
   */
  private Future<Void> store(RuntimeUsers.User entry) {
    Map<String, String> keys = new LinkedHashMap<>();
    synchronized (this) {
      TenantConfig file = files.get(entry.tenant());
      (file == null ? List.<UserConfig>of() : file.users().values()).forEach(u -> keys.put(u.id(), u.apiKey()));
    }
    return stored.of(entry.tenant()).compose(users -> {
      users.forEach(other -> keys.putIfAbsent(other.id(), other.apiKey()));
      for (Map.Entry<String, String> other : keys.entrySet()) {
        if (entry.apiKey().equals(other.getValue()) && !other.getKey().equals(entry.id())) {
          return Future.failedFuture(keyTaken(other.getKey(), entry.tenant(), ""));
        }
      }
      return stored.add(entry);
    }).compose(added -> added ? Future.succeededFuture() : Future.failedFuture(new IllegalArgumentException(
        "user '" + entry.id() + "' was already added to tenant '" + entry.tenant() + "' at run time")));
  }

  /** The refusal of a user whose API key is the key of {@code owner}; it names no key. */
  private static IllegalArgumentException keyTaken(String owner, String tenant, String why) {
    return new IllegalArgumentException("the apiKey is the key of user '" + owner + "' of tenant '" + tenant
        + "' already" + why + ": one key is one bunq user, whose callback filters the two would keep replacing");
  }

  @Override
  public Future<JsonObject> remove(String tenant, String user) {
    TenantConfig tenantNow;
    synchronized (this) {
      TenantConfig file = files.get(tenant);
      if (file != null && file.users().containsKey(user)) {
        return Future.failedFuture(new IllegalArgumentException("user '" + user + "' of tenant '" + tenant
            + "' is in its tenant file " + file.file() + "; take it out of the file instead"));
      }
      if (!runtime.getOrDefault(tenant, Map.of()).containsKey(user)) {
        return Future.failedFuture(new IllegalArgumentException("no user '" + user + "' was added to tenant '"
            + tenant + "' at run time"));
      }
      tenantNow = served.get(tenant);
    }
    Future<Void> filtersOut = tenantNow == null ? Future.succeededFuture() : removeFilters(tenantNow, user);
    return filtersOut
        .compose(done -> stored.remove(tenant, user))
        .compose(removed -> {
          if (!removed) {
            // A remove-user sent at the same time, to this node or another, took it out of the map first.
            return Future.succeededFuture(false);
          }
          unserveRuntime(tenant, user);
          publish(USER_REMOVED, tenant, user);
          log.info("User {}/{} added at run time is removed", tenant, user);
          return sessions.forget(tenant, user).map(forgotten -> true);
        })
        .map(removed -> new JsonObject().put("tenant", tenant).put("user", user).put("removed", removed));
  }

  @Override
  public synchronized Future<JsonObject> list(String tenant) {
    JsonArray users = new JsonArray();
    for (TenantConfig served : new TreeMap<>(served).values()) {
      if (tenant != null && !served.id().equals(tenant)) {
        continue;
      }
      TenantConfig file = files.get(served.id());
      for (UserConfig user : served.users().values()) {
        users.add(new JsonObject().put("tenant", served.id()).put("id", user.id())
            .put("source", file != null && file.users().containsKey(user.id()) ? "file" : "runtime")
            .put("permittedIps", new JsonArray(user.permittedIps())));
      }
    }
    return Future.succeededFuture(new JsonObject().put("users", users));
  }

  /** Serves a user added at run time on this node, if its tenant is served and its file does not name it. */
  private synchronized void serveRuntime(RuntimeUsers.User user) {
    runtime.computeIfAbsent(user.tenant(), t -> new LinkedHashMap<>())
        .put(user.id(), new UserConfig(user.id(), user.apiKey(), user.permittedIps()));
    TenantConfig file = files.get(user.tenant());
    if (file == null) {
      return;
    }
    if (file.users().containsKey(user.id())) {
      log.warn("The user {} added at run time is not served: its tenant file {} names a user of that id",
          user.key(), file.file());
      return;
    }
    TenantConfig now = file.withUsers(runtime.get(user.tenant()));
    specs(now).stream().filter(spec -> spec.user().equals(user.id())).forEach(sessions::register);
    served.put(now.id(), now);
  }

  /** Stops serving a user added at run time on this node. */
  private synchronized void unserveRuntime(String tenant, String user) {
    Map<String, UserConfig> users = runtime.get(tenant);
    if (users == null || users.remove(user) == null) {
      return;
    }
    TenantConfig file = files.get(tenant);
    if (file != null) {
      served.put(tenant, file.withUsers(users));
      if (!file.users().containsKey(user)) {
        sessions.unregister(tenant, user);
      }
    }
  }

  private void publish(String type, String tenant, String user) {
    vertx.eventBus().publish(Addresses.USER_EVENTS, new JsonObject().put("type", type).put("tenant", tenant)
        .put("user", user));
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
    return emulatorBaseUrl != null ? emulatorBunq : "emulator " + node.emulatorBaseUrl();
  }
}
