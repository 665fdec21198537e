package com.bunqconnector.api;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.session.ContextCreator;
import com.bunqconnector.session.SessionContext;
import com.bunqconnector.session.TenantKeys;
import com.bunqconnector.session.UserSpec;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens a bunq context in bunq's order: a new RSA key pair (on the crypto pool), then
 * {@code installation}, {@code device-server} and {@code session-server}. A user without an API
 * key first gets one from {@code sandbox-user-person} where the environment allows it. Every
 * {@code session-server} call, for a new context or a renewal, first waits for its slot from the
 * {@link SessionPacer}.
 */
public final class ContextFactory implements ContextCreator {

  /** bunq's default auto-logout, used when a session user carries no {@code session_timeout}. */
  static final long DEFAULT_SESSION_TIMEOUT_SECONDS = 604_800;

  /** Most key pairs kept ready ahead of creations. */
  static final int MAX_SPARE_KEYS = 16;
  /** Unfinished creations kept at most; beyond that a failed one starts afresh next time. */
  private static final int MAX_UNFINISHED = 10_000;

  private static final List<String> USER_KINDS =
      List.of("UserPerson", "UserCompany", "UserApiKey", "UserPaymentServiceProvider");

  private final BunqHttp http;
  private final CryptoWorker crypto;
  private final Clock clock;
  private final SessionPacer pacer;
  private final TenantKeys tenantKeys;
  /** Key pairs generated ahead of the creations that will use them (see {@link #prepare}). */
  private final Deque<KeyPair> spareKeys = new ConcurrentLinkedDeque<>();
  private final AtomicInteger keysUnderWay = new AtomicInteger();
  private final AtomicLong keysUsedFromSpares = new AtomicLong();
  private final AtomicLong installations = new AtomicLong();
  private final AtomicLong devices = new AtomicLong();
  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong sandboxUsers = new AtomicLong();
  /** Users whose installation and device were made but whose session was not, by user key. */
  private final Map<String, Unfinished> unfinished = new ConcurrentHashMap<>();

  public ContextFactory(BunqHttp http, CryptoWorker crypto) {
    this(http, crypto, Clock.systemUTC());
  }

  /** A factory that dates sessions by {@code clock}, the clock their expiry is later judged by. */
  public ContextFactory(BunqHttp http, CryptoWorker crypto, Clock clock) {
    this(http, crypto, clock, SessionPacer.unpaced());
  }

  /** A factory whose {@code session-server} calls wait for slots from {@code pacer}. */
  public ContextFactory(BunqHttp http, CryptoWorker crypto, Clock clock, SessionPacer pacer) {
    this(http, crypto, clock, pacer, null);
  }

  /**
   * A factory that also serves users whose key policy is per tenant, with key pairs from
   * {@code tenantKeys} ({@code null}: such users fail with a clear error).
   */
  public ContextFactory(BunqHttp http, CryptoWorker crypto, Clock clock, SessionPacer pacer,
      TenantKeys tenantKeys) {
    this.http = http;
    this.crypto = crypto;
    this.clock = clock;
    this.pacer = pacer;
    this.tenantKeys = tenantKeys;
  }

  /**
   * {@inheritDoc}
   *
   * <p>When only the session could not be opened (bunq's 429 on {@code session-server}, a timeout),
   * the installation and device are kept for the user's next creation on this factory, which then
   * only opens the session: a retry makes no new installation.
   */
  @Override
  public Future<SessionContext> create(UserSpec spec) {
    Unfinished left = unfinished.remove(spec.key());
    if (left != null && left.isFor(spec)) {
      return finish(spec, left);
    }
    SessionContext.Builder context = SessionContext.builder(spec);
    return apiKey(spec)
        .compose(apiKey -> keyPair(spec)
            .compose(keys -> install(spec, context.apiKey(apiKey), keys))
            .compose(installation -> registerDevice(spec, context, apiKey, installation))
            .compose(installation -> finish(spec, new Unfinished(spec.baseUrl(), apiKey, context, installation))));
  }

  /** Opens the session of a registered installation; keeps it for the next try if that may succeed. */
  private Future<SessionContext> finish(UserSpec spec, Unfinished installed) {
    return openSession(spec, installed.context(), installed.apiKey(), installed.installation())
        .map(done -> installed.context().build())
        .onFailure(e -> {
          if (isWorthAnotherTry(e) && unfinished.size() < MAX_UNFINISHED) {
            unfinished.put(spec.key(), installed);
          }
        });
  }

  /** A failure after which the same session-server call may succeed: bunq's limit, a timeout, a 5xx. */
  private static boolean isWorthAnotherTry(Throwable failure) {
    return failure instanceof BunqApiException e && (e.code() == ErrorCode.RATE_LIMITED
        || e.code() == ErrorCode.TIMEOUT || e.code() == ErrorCode.BUNQ_ERROR);
  }

  /** An installation with its device registered whose session could not be opened yet. */
  private record Unfinished(String baseUrl, String apiKey, SessionContext.Builder context,
      Installation installation) {
    /** Whether the user still has this bunq and (when it names one) this API key. */
    boolean isFor(UserSpec spec) {
      return baseUrl.equals(spec.baseUrl()) && (spec.apiKey() == null || spec.apiKey().equals(apiKey));
    }
  }

  @Override
  public Future<SessionContext> renew(UserSpec spec, SessionContext stale) {
    Installation installation = new Installation(stale.installationToken(), stale.clientPrivateKey(),
        stale.serverPublicKey());
    return pacer.slot(spec.key())
        .compose(slot -> signedPost(stale.baseUrl() + "/session-server",
            new JsonObject().put("secret", stale.apiKey()), installation))
        .compose(response -> readSession(response)
            .map(session -> stale.withSession(session.id(), session.token(), session.timeout(),
                clock.millis(), session.userId(), session.kind())));
  }

  /**
   * Starts generating up to {@code count} key pairs on the crypto pool (at most
   * {@value #MAX_SPARE_KEYS} wait at any time) for the creations to come, so a creation finds its
   * key ready instead of waiting for one.
   */
  @Override
  public void prepare(int count) {
    int wanted = Math.min(count, MAX_SPARE_KEYS) - spareKeys.size() - keysUnderWay.get();
    for (int i = 0; i < wanted; i++) {
      keysUnderWay.incrementAndGet();
      crypto.generateKeyPair()
          .onSuccess(spareKeys::add)
          .onComplete(done -> keysUnderWay.decrementAndGet());
    }
  }

  /** Creations that took a key pair generated ahead by {@link #prepare}. */
  public long keysUsedFromSpares() {
    return keysUsedFromSpares.get();
  }

  /** {@code installation} calls this factory made successfully. */
  public long installationsCreated() {
    return installations.get();
  }

  /** {@code device-server} calls this factory made successfully. */
  public long devicesCreated() {
    return devices.get();
  }

  /** {@code session-server} calls this factory made successfully. */
  public long sessionsCreated() {
    return sessions.get();
  }

  /** Sandbox users this factory created for users without an API key. */
  public long sandboxUsersCreated() {
    return sandboxUsers.get();
  }

  private Future<String> apiKey(UserSpec spec) {
    if (spec.apiKey() != null) {
      return Future.succeededFuture(spec.apiKey());
    }
    if (!spec.mayCreateSandboxUser()) {
      return Future.failedFuture(new BunqApiException(ErrorCode.INVALID_REQUEST, 0,
          List.of(spec.key() + " has no API key and its environment has no sandbox users"), null));
    }
    BunqRequest request = new BunqRequest(HttpMethod.POST, spec.baseUrl() + "/sandbox-user-person",
        new JsonObject().toBuffer(), null, null, null);
    return http.send(request).compose(response -> {
      JsonObject apiKey = response.item("ApiKey");
      if (apiKey == null || !(apiKey.getValue("api_key") instanceof String key) || key.isBlank()) {
        return Future.failedFuture(malformed("sandbox-user-person", "ApiKey.api_key", response));
      }
      sandboxUsers.incrementAndGet();
      return Future.succeededFuture(key);
    });
  }

  private Future<KeyPair> keyPair(UserSpec spec) {
    if (spec.tenantKey()) {
      if (tenantKeys == null) {
        return Future.failedFuture(new BunqApiException(ErrorCode.INTERNAL, 0,
            List.of(spec.key() + " wants its tenant's key pair, but this node keeps no tenant keys"), null));
      }
      return tenantKeys.keyPair(spec.tenant(), crypto::generateKeyPair);
    }
    KeyPair spare = spareKeys.poll();
    if (spare != null) {
      keysUsedFromSpares.incrementAndGet();
      return Future.succeededFuture(spare);
    }
    return crypto.generateKeyPair();
  }

  /** What the later context calls need from the installation. */
  private record Installation(String token, PrivateKey clientKey, PublicKey serverKey) {
  }

  private Future<Installation> install(UserSpec spec, SessionContext.Builder context, KeyPair keys) {
    JsonObject body = new JsonObject().put("client_public_key", RsaKeys.publicKeyToPem(keys.getPublic()));
    BunqRequest request = new BunqRequest(HttpMethod.POST, spec.baseUrl() + "/installation", body.toBuffer(),
        null, null, null);
    return http.send(request).compose(response -> {
      JsonObject id = response.item("Id");
      JsonObject token = response.item("Token");
      JsonObject serverKey = response.item("ServerPublicKey");
      if (token == null || !(token.getValue("token") instanceof String tokenValue)) {
        return Future.failedFuture(malformed("installation", "Token.token", response));
      }
      if (serverKey == null || !(serverKey.getValue("server_public_key") instanceof String pem)) {
        return Future.failedFuture(malformed("installation", "ServerPublicKey.server_public_key", response));
      }
      PublicKey parsed;
      try {
        parsed = RsaKeys.publicKeyFromPem(pem);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(malformed("installation", "ServerPublicKey (" + e.getMessage() + ")", response));
      }
      installations.incrementAndGet();
      context.clientKeys(keys.getPrivate(), keys.getPublic())
          .installation(id == null ? 0 : id.getLong("id", 0L), tokenValue, pem);
      return Future.succeededFuture(new Installation(tokenValue, keys.getPrivate(), parsed));
    });
  }

  private Future<Installation> registerDevice(UserSpec spec, SessionContext.Builder context, String apiKey,
      Installation installation) {
    JsonObject body = new JsonObject()
        .put("description", "bunq-connector " + spec.key())
        .put("secret", apiKey);
    if (!spec.permittedIps().isEmpty()) {
      body.put("permitted_ips", new JsonArray(spec.permittedIps()));
    }
    return signedPost(spec.baseUrl() + "/device-server", body, installation)
        .compose(response -> {
          JsonObject id = response.item("Id");
          if (id == null || id.getValue("id") == null) {
            return Future.failedFuture(malformed("device-server", "Id.id", response));
          }
          devices.incrementAndGet();
          context.device(id.getLong("id"));
          return Future.succeededFuture(installation);
        });
  }

  private Future<Void> openSession(UserSpec spec, SessionContext.Builder context, String apiKey,
      Installation installation) {
    JsonObject body = new JsonObject().put("secret", apiKey);
    return pacer.slot(spec.key())
        .compose(slot -> signedPost(spec.baseUrl() + "/session-server", body, installation))
        .compose(this::readSession)
        .map(session -> {
          context.session(session.id(), session.token(), session.timeout(), clock.millis())
              .bunqUser(session.userId(), session.kind());
          return null;
        });
  }

  /** What a {@code session-server} answer says. */
  private record Session(long id, String token, long timeout, long userId, String kind) {
  }

  private Future<Session> readSession(BunqResponse response) {
    JsonObject id = response.item("Id");
    JsonObject token = response.item("Token");
    if (token == null || !(token.getValue("token") instanceof String tokenValue)) {
      return Future.failedFuture(malformed("session-server", "Token.token", response));
    }
    for (String kind : USER_KINDS) {
      JsonObject user = response.item(kind);
      if (user != null && user.getValue("id") instanceof Number userId) {
        sessions.incrementAndGet();
        return Future.succeededFuture(new Session(id == null ? 0 : id.getLong("id", 0L), tokenValue,
            sessionTimeout(kind, user), userId.longValue(), kind));
      }
    }
    return Future.failedFuture(malformed("session-server", "a user object (" + USER_KINDS + ")", response));
  }

  /** The session timeout of a session user; an OAuth {@code UserApiKey} takes its requesting user's. */
  static long sessionTimeout(String kind, JsonObject user) {
    JsonObject holder = user;
    if ("UserApiKey".equals(kind)) {
      JsonObject requestedBy = user.getJsonObject("requested_by_user");
      holder = null;
      if (requestedBy != null) {
        for (String inner : USER_KINDS) {
          if (requestedBy.getValue(inner) instanceof JsonObject anchored) {
            holder = anchored;
            break;
          }
        }
      }
    }
    Object timeout = holder == null ? null : holder.getValue("session_timeout");
    return timeout instanceof Number seconds && seconds.longValue() > 0
        ? seconds.longValue()
        : DEFAULT_SESSION_TIMEOUT_SECONDS;
  }

  private Future<BunqResponse> signedPost(String url, JsonObject body, Installation installation) {
    return http.send(new BunqRequest(HttpMethod.POST, url, body.toBuffer(), installation.token(),
        installation.clientKey(), installation.serverKey()));
  }

  private static BunqApiException malformed(String call, String what, BunqResponse response) {
    return new BunqApiException(ErrorCode.BUNQ_ERROR, response.status(),
        List.of(call + " response lacks " + what), response.responseId());
  }
}
