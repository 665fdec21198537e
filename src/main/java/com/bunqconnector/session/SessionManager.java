package com.bunqconnector.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out each configured user's context: creates it once, opens a new session before the
 * current one runs out, and on request renews a session bunq declared dead or rebuilds a context
 * whose server key no longer verifies. Every such change is single-flight per user across the
 * cluster: concurrent callers on a node share one change, and the node holds the user's
 * {@link ContextLeases lease} while it makes it, so another node waits and then finds the new
 * context stored instead of calling bunq again. A user whose credentials bunq rejects is marked
 * invalid and fails fast afterwards, without calling bunq again. When bunq refuses a new session
 * because it no longer knows the installation ({@code 403 Insufficient authentication.}: its state
 * was lost or reset), the context is rebuilt once from scratch.
 *
 * <p>A context records which bunq it belongs to (the {@code bunq} field, from {@link UserSpec#bunq()}),
 * and calls go to the user's configured base URL, whatever URL the context was made with: a node
 * restarted with a new address of the same bunq (an emulator on another port) keeps its contexts,
 * while a context of another bunq (a tenant moved from sandbox to production) is replaced by a new one,
 * and so is a context made with another API key or other permitted IPs than the user has now.
 *
 * <p>Safe to call from any thread; returned futures complete on the caller's context or on the
 * context that completed the shared work. Events (see {@link #onEvent}) describe each change.
 */
public final class SessionManager {

  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  /**
   * Open a new session when less than this is left of the current one (or less than a quarter of
   * the session's timeout, when that is shorter).
   */
  public static final long DEFAULT_REFRESH_MARGIN_MS = 60_000;

  /** The refresh margin is at most a session's timeout divided by this. */
  private static final long MARGIN_DIVISOR = 4;

  /** The field of a stored context that names the bunq it belongs to. */
  static final String BUNQ_FIELD = "bunq";
  /** The field of a stored context that lists the IPs its device was registered with, comma-separated. */
  static final String PERMITTED_IPS_FIELD = "permittedIps";

  private final SessionStore store;
  private final ContextCreator creator;
  private final ContextLeases leases;
  private final Clock clock;
  private final long refreshMarginMs;
  /** Configured users by {@code tenant/user}. */
  private final Map<String, UserSpec> users = new ConcurrentHashMap<>();
  /** Creations, renewals and rebuilds under way on this node, by {@code tenant/user}. */
  private final Map<String, Future<SessionContext>> changing = new ConcurrentHashMap<>();
  /** Users bunq refused, with the reason, by {@code tenant/user}. */
  private final Map<String, String> invalid = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong renewed = new AtomicLong();
  private final AtomicLong rebuilt = new AtomicLong();
  private volatile Consumer<JsonObject> events = event -> { };

  public SessionManager(SessionStore store, ContextCreator creator) {
    this(store, creator, Clock.systemUTC(), DEFAULT_REFRESH_MARGIN_MS);
  }

  public SessionManager(SessionStore store, ContextCreator creator, Clock clock, long refreshMarginMs) {
    this(store, creator, new ContextLeases(store.vertx()), clock, refreshMarginMs);
  }

  public SessionManager(SessionStore store, ContextCreator creator, ContextLeases leases, Clock clock,
      long refreshMarginMs) {
    this.store = store;
    this.creator = creator;
    this.leases = leases;
    this.clock = clock;
    this.refreshMarginMs = refreshMarginMs;
  }

  /** Adds or replaces a user the manager may open contexts for, and forgets an earlier refusal. */
  public void register(UserSpec spec) {
    users.put(spec.key(), spec);
    invalid.remove(spec.key());
  }

  /**
   * Stops serving a user: its calls fail with {@link UnknownUserException} from now on. Its stored
   * context stays, so a user registered again with the same credentials uses it.
   *
   * @return whether the user was registered
   */
  public boolean unregister(String tenant, String user) {
    String key = SessionContext.key(tenant, user);
    invalid.remove(key);
    return users.remove(key) != null;
  }

  /**
   * Stops serving a user for good: unregisters it and removes its stored context (its installation and
   * sealed API key) from the map, for every node.
   */
  public Future<Void> forget(String tenant, String user) {
    unregister(tenant, user);
    return store.remove(SessionContext.key(tenant, user));
  }

  public Collection<UserSpec> users() {
    return users.values();
  }

  /**
   * Receives an event for each context change: {@code {"type", "tenant", "user", ...}} with type
   * {@code context-created}, {@code session-renewed}, {@code context-rebuilt} or {@code user-invalid}
   * (with {@code reason}). Called on whichever thread made the change; keep it short.
   */
  public void onEvent(Consumer<JsonObject> listener) {
    this.events = listener;
  }

  /**
   * The user's context with a session that has more than the refresh margin left (at most a
   * quarter of its timeout), created or renewed if needed.
   *
   * @return a future failed with {@link UnknownUserException} for a user that is not registered,
   *     {@link InvalidUserException} for one bunq refused, or the bunq error that stopped a creation
   */
  public Future<SessionContext> context(String tenant, String user) {
    String key = SessionContext.key(tenant, user);
    UserSpec spec = users.get(key);
    if (spec == null) {
      return Future.failedFuture(new UnknownUserException(tenant, user));
    }
    String refusal = invalid.get(key);
    if (refusal != null) {
      return Future.failedFuture(new InvalidUserException(key, refusal));
    }
    Future<SessionContext> pending = changing.get(key);
    if (pending != null) {
      return pending;
    }
    return store.get(key).compose(found -> {
      SessionContext existing = current(spec, found);
      if (existing == null || existing != found) {
        // None, another bunq's, or stored with another base URL: the last is stored once pointed at this
        // node's URL, so that later calls use the stored (and already opened) context as it is.
        return change(spec, stored -> {
          SessionContext usable = current(spec, stored);
          if (usable == null) {
            return create(spec, stored);
          }
          return usable == stored ? Future.succeededFuture(usable) : store.put(usable);
        });
      }
      if (runsOut(existing)) {
        return renew(spec, existing.sessionToken(), "the session runs out");
      }
      return Future.succeededFuture(existing);
    });
  }

  /**
   * Opens a new session for a user whose session bunq declared dead ({@code 401 Insufficient
   * authorisation.}), unless another caller already replaced the session with token
   * {@code deadToken}; then that newer context is returned.
   */
  public Future<SessionContext> renewAfterRefusal(String tenant, String user, String deadToken) {
    UserSpec spec = users.get(SessionContext.key(tenant, user));
    if (spec == null) {
      return Future.failedFuture(new UnknownUserException(tenant, user));
    }
    return renew(spec, deadToken, "bunq refused the session");
  }

  /**
   * Replaces a context whose server signature no longer verifies with a new installation, device
   * and session, unless another caller already replaced the installation with token
   * {@code installationToken}.
   */
  public Future<SessionContext> rebuild(String tenant, String user, String installationToken) {
    UserSpec spec = users.get(SessionContext.key(tenant, user));
    if (spec == null) {
      return Future.failedFuture(new UnknownUserException(tenant, user));
    }
    return change(spec, found -> {
      SessionContext stored = current(spec, found);
      if (stored != null && !stored.installationToken().equals(installationToken)) {
        return Future.succeededFuture(stored);
      }
      return replace(spec, stored, "its server signature no longer verifies");
    });
  }

  /** Whether the user has a context in the map (fresh or not), without opening it. */
  public Future<Boolean> hasContext(String tenant, String user) {
    return store.contains(SessionContext.key(tenant, user));
  }

  /**
   * Whether the user has a context calls can use now: the user is registered and not refused, and
   * the stored context belongs to the user's bunq and its session has not run out. Opens nothing.
   */
  public Future<Boolean> isUsable(String tenant, String user) {
    String key = SessionContext.key(tenant, user);
    UserSpec spec = users.get(key);
    if (spec == null || invalid.containsKey(key)) {
      return Future.succeededFuture(false);
    }
    return store.get(key).map(found -> {
      SessionContext usable = current(spec, found);
      return usable != null && usable.expiresAt() > clock.millis();
    });
  }

  /** Whether bunq refused the user's credentials (until the user is registered again). */
  public boolean isInvalid(String tenant, String user) {
    return invalid.containsKey(SessionContext.key(tenant, user));
  }

  /** Lets the creator start work for about {@code count} creations to come (key pairs). */
  public void prepare(int count) {
    creator.prepare(count);
  }

  /** Contexts this node created since it started. */
  public long createdCount() {
    return created.get();
  }

  /** Sessions this node renewed on an existing installation since it started. */
  public long renewedCount() {
    return renewed.get();
  }

  /** Contexts this node rebuilt from scratch since it started. */
  public long rebuiltCount() {
    return rebuilt.get();
  }

  private Future<SessionContext> renew(UserSpec spec, String staleToken, String why) {
    return change(spec, found -> {
      SessionContext stored = current(spec, found);
      if (stored == null) {
        return create(spec, found);
      }
      if (!stored.sessionToken().equals(staleToken) && !runsOut(stored)) {
        return Future.succeededFuture(stored);
      }
      log.info("Opening a new bunq session for {}: {}", spec.key(), why);
      return creator.renew(spec, stored)
          .map(context -> stamped(spec, context))
          .compose(store::put)
          .onSuccess(context -> {
            renewed.incrementAndGet();
            publish("session-renewed", spec, null);
          })
          .recover(e -> UnknownInstallation.test(e)
              ? replace(spec, stored, "bunq no longer knows its installation (" + e.getMessage() + ")")
              : Future.failedFuture(e));
    });
  }

  /**
   * Whether the session of {@code context} is within the refresh margin of its end. The margin is
   * at most a quarter of the session's timeout, so a user whose sessions last no longer than the
   * margin (a {@code session_timeout} of 30 s) does not get a new session on every call.
   */
  private boolean runsOut(SessionContext context) {
    long timeoutMs = context.sessionTimeoutSeconds() * 1000;
    long margin = timeoutMs > 0 ? Math.min(refreshMarginMs, timeoutMs / MARGIN_DIVISOR) : refreshMarginMs;
    return context.expiresAt() - margin <= clock.millis();
  }

  /**
   * Replaces the user's context with a new installation, device and session, keeping the API key
   * of {@code stored} for a user whose key bunq made ({@code sandbox-user-person}). If bunq forgot
   * that key too, the device registration is refused and the user is marked invalid.
   */
  private Future<SessionContext> replace(UserSpec spec, SessionContext stored, String why) {
    log.warn("Rebuilding the bunq context of {}: {}", spec.key(), why);
    return creator.create(spec.apiKey() == null && stored != null ? withKey(spec, stored.apiKey()) : spec)
        .map(context -> stamped(spec, context))
        .compose(store::put)
        .onSuccess(context -> {
          rebuilt.incrementAndGet();
          publish("context-rebuilt", spec, null);
        });
  }

  /**
   * Creates the user's context; {@code replaced} is a stored one of another bunq (it is then
   * overwritten) or {@code null}. Only a complete context is stored: a node that dies on the way
   * leaves nothing behind in the map (at most an installation at bunq that nothing uses).
   */
  private Future<SessionContext> create(UserSpec spec, SessionContext replaced) {
    if (replaced == null) {
      log.info("Opening bunq context for {}", spec.key());
    } else {
      log.warn("The stored bunq context of {} {}: opening a new one", spec.key(),
          spec.bunq().equals(bunqOf(replaced)) ? "was made with other credentials (API key or permitted IPs) than"
              + " the user has now" : "belongs to " + bunqOf(replaced) + ", but the user is now configured for "
              + spec.bunq());
    }
    return creator.create(spec)
        .map(context -> stamped(spec, context))
        .compose(replaced == null ? store::putIfAbsent : store::put)
        .onSuccess(context -> {
          created.incrementAndGet();
          log.info("Opened bunq context {}", context);
          publish("context-created", spec, null);
        });
  }

  /**
   * Runs one change of a user's context at a time: callers on this node that arrive while one is
   * under way share its result, and the change runs under the user's cluster-wide lease. It is
   * given the stored context as it is once the lease is held (a change that ended just before, here
   * or on another node, may have stored a newer one), so it decides then whether bunq is needed.
   */
  private Future<SessionContext> change(UserSpec spec, Function<SessionContext, Future<SessionContext>> work) {
    String key = spec.key();
    Promise<SessionContext> promise = Promise.promise();
    Future<SessionContext> other = changing.putIfAbsent(key, promise.future());
    if (other != null) {
      return other;
    }
    leases.withLease(key, () -> store.get(key).compose(work))
        .onFailure(e -> noteRefusal(spec, e))
        .onComplete(result -> {
          changing.remove(key, promise.future());
          if (result.succeeded()) {
            promise.complete(result.result());
          } else {
            promise.fail(result.cause());
          }
        });
    return promise.future();
  }

  private void noteRefusal(UserSpec spec, Throwable failure) {
    log.warn("Changing the bunq context of {} failed: {}", spec.key(), failure.getMessage());
    if (CredentialsRefused.test(failure)) {
      String reason = failure.getMessage();
      if (invalid.put(spec.key(), reason) == null) {
        log.error("bunq refused the credentials of {}; the user is marked invalid until it is registered again",
            spec.key());
        publish("user-invalid", spec, reason);
      }
    }
  }

  private void publish(String type, UserSpec spec, String reason) {
    JsonObject event = new JsonObject().put("type", type).put("tenant", spec.tenant()).put("user", spec.user());
    if (reason != null) {
      event.put("reason", reason);
    }
    try {
      events.accept(event);
    } catch (RuntimeException e) {
      log.warn("A session event listener failed on {}: {}", type, e.toString());
    }
  }

  private static UserSpec withKey(UserSpec spec, String apiKey) {
    return new UserSpec(spec.tenant(), spec.user(), spec.baseUrl(), apiKey, spec.permittedIps(),
        spec.mayCreateSandboxUser(), spec.tenantKey(), spec.bunq());
  }

  /**
   * The stored context as this node uses it: {@code null} when there is none or it belongs to
   * another bunq than the user's, else the context with calls going to the user's base URL.
   */
  private static SessionContext current(UserSpec spec, SessionContext stored) {
    if (stored == null || !spec.bunq().equals(bunqOf(stored)) || changedCredentials(spec, stored)) {
      return null;
    }
    if (spec.baseUrl().equals(stored.baseUrl())) {
      return stored;
    }
    return SessionContext.fromJson(stored.toJson().put(BUNQ_FIELD, spec.bunq()).put("baseUrl", spec.baseUrl()));
  }

  /**
   * Whether the user is configured with another API key than the context was made with, or with other
   * permitted IPs than its device was registered with (a context that records none is taken to match):
   * the context is then replaced by one made with the new credentials.
   */
  private static boolean changedCredentials(UserSpec spec, SessionContext stored) {
    String ips = stored.field(PERMITTED_IPS_FIELD);
    return spec.apiKey() != null && !spec.apiKey().equals(stored.apiKey())
        || ips != null && !ips.equals(String.join(",", spec.permittedIps()));
  }

  /** The bunq a stored context belongs to; a context that names none, the one at its base URL. */
  private static String bunqOf(SessionContext context) {
    String bunq = context.field(BUNQ_FIELD);
    return bunq != null ? bunq : context.baseUrl();
  }

  private static SessionContext stamped(UserSpec spec, SessionContext context) {
    return SessionContext.fromJson(context.toJson().put(BUNQ_FIELD, spec.bunq())
        .put(PERMITTED_IPS_FIELD, String.join(",", spec.permittedIps())));
  }
}
