package com.bunqconnector.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out each configured user's context, creating it once: concurrent requests for a user
 * with no context on this node share one creation, and a context another caller stored first
 * wins over a second one.
 *
 * <p>Safe to call from any thread; returned futures complete on the caller's context or on the
 * context that completed the shared creation.
 */
public final class SessionManager {

  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  private final SessionStore store;
  private final ContextCreator creator;
  /** Configured users by {@code tenant/user}. */
  private final Map<String, UserSpec> users = new ConcurrentHashMap<>();
  /** Creations under way on this node, by {@code tenant/user}. */
  private final Map<String, Future<SessionContext>> creating = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();

  // TODO(#4): creation is single-flight per node only; issue 4 makes it cluster-wide and adds refresh and recovery.
  public SessionManager(SessionStore store, ContextCreator creator) {
    this.store = store;
    this.creator = creator;
  }

  /** Adds or replaces a user the manager may open contexts for. */
  public void register(UserSpec spec) {
    users.put(spec.key(), spec);
  }

  public Collection<UserSpec> users() {
    return users.values();
  }

  /**
   * The user's context, created if the user has none yet.
   *
   * @return a future failed with {@link UnknownUserException} for a user that is not registered,
   *     or with the bunq error that stopped the creation
   */
  public Future<SessionContext> context(String tenant, String user) {
    String key = SessionContext.key(tenant, user);
    UserSpec spec = users.get(key);
    if (spec == null) {
      return Future.failedFuture(new UnknownUserException(tenant, user));
    }
    Future<SessionContext> pending = creating.get(key);
    if (pending != null) {
      return pending;
    }
    return store.get(key).compose(existing -> existing != null ? Future.succeededFuture(existing) : createOnce(spec));
  }

  /** Contexts this node created since it started. */
  public long createdCount() {
    return created.get();
  }

  private Future<SessionContext> createOnce(UserSpec spec) {
    String key = spec.key();
    Promise<SessionContext> promise = Promise.promise();
    Future<SessionContext> other = creating.putIfAbsent(key, promise.future());
    if (other != null) {
      return other;
    }
    // Look again: a creation that ended between our first look and the putIfAbsent has stored its context.
    store.get(key)
        .compose(existing -> existing != null ? Future.succeededFuture(existing) : createAndStore(spec))
        .onComplete(result -> {
          creating.remove(key, promise.future());
          promise.handle(result);
        });
    return promise.future();
  }

  private Future<SessionContext> createAndStore(UserSpec spec) {
    log.info("Opening bunq context for {}", spec.key());
    return creator.create(spec)
        .compose(store::putIfAbsent)
        .onSuccess(context -> {
          created.incrementAndGet();
          log.info("Opened bunq context {}", context);
        })
        .onFailure(e -> log.warn("Opening bunq context for {} failed: {}", spec.key(), e.getMessage()));
  }
}
