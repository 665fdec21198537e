package com.bunqconnector.emulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Fault injection into a running {@link BunqEmulator}, from Java: transport faults ({@link Fault}:
 * latency, 5xx with HTML bodies, dropped connections, forced 429s) and credential faults (server key
 * rotation, API key revocation, sessions expired early). The same operations are offered over HTTP
 * by the admin endpoint {@code /emulator/admin/faults} (see the README).
 *
 * <p>Thread-safe: every method may be called from any thread. The work hops onto the emulator's
 * context and the returned future completes once it is done there, so a call made after the future
 * completed sees the fault. Faults only affect {@code /v1} calls; they are lost when the emulator
 * stops. Removing faults never undoes a rotation, revocation or expiry.
 */
public final class Faults {

  private final Context context;
  private final FaultInjector injector;
  private final CredentialFaults credentials;

  Faults(Context context, FaultInjector injector, CredentialFaults credentials) {
    this.context = context;
    this.injector = injector;
    this.credentials = credentials;
  }

  /** Installs a fault; completes with its id, which {@link #remove} and the admin endpoint accept. */
  public Future<String> add(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    return onContext(() -> Future.succeededFuture(injector.add(fault)));
  }

  /** Removes one fault; completes with false when no active fault has this id. */
  public Future<Boolean> remove(String id) {
    return onContext(() -> Future.succeededFuture(injector.remove(id)));
  }

  /** Removes every fault; completes with how many were active. */
  public Future<Integer> clear() {
    return onContext(() -> Future.succeededFuture(injector.clear()));
  }

  /**
   * The active faults in the order added, each as its JSON form plus {@code id} and, for counted
   * faults, {@code remaining}.
   */
  public Future<JsonArray> list() {
    return onContext(() -> Future.succeededFuture(injector.list()));
  }

  /**
   * Gives each installation the user has a session or device on a new server key pair: later
   * responses are signed with it, so they no longer verify with the server public key the client
   * received from {@code installation}. Completes with the number of installations rotated; fails
   * with {@link IllegalArgumentException} for an unknown user id.
   */
  public Future<Integer> rotateServerKeys(long userId) {
    return onContext(() -> credentials.rotateServerKeys(userId));
  }

  /**
   * Revokes an API key: later device-server and session-server calls with it get bunq's 400
   * credentials error, and the sessions opened with it answer 401 {@code Insufficient authorisation.}
   * Completes with the number of sessions ended.
   */
  public Future<Integer> revokeApiKey(String apiKey) {
    Objects.requireNonNull(apiKey, "apiKey");
    return onContext(() -> Future.succeededFuture(credentials.revokeApiKey(apiKey)));
  }

  /**
   * Ends the session with this token now, as if it had timed out (401 {@code Insufficient
   * authorisation.}). Completes with false when no session has this token.
   */
  public Future<Boolean> expireSession(String sessionToken) {
    Objects.requireNonNull(sessionToken, "sessionToken");
    return onContext(() -> Future.succeededFuture(credentials.expireSession(sessionToken)));
  }

  /** Ends every session of the user now; completes with how many were still live. */
  public Future<Integer> expireSessions(long userId) {
    return onContext(() -> Future.succeededFuture(credentials.expireSessions(userId)));
  }

  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return run(work);
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> run(work).onComplete(promise));
    return promise.future();
  }

  private static <T> Future<T> run(Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
