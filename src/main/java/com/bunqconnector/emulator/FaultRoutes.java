package com.bunqconnector.emulator;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin endpoint of fault injection, on the emulator's own server (so only on its host, loopback
 * by default) and outside {@code /v1}, so it can never be taken for a bunq path:
 *
 * <ul>
 *   <li>{@code POST /emulator/admin/faults} with a {@link Fault} in JSON installs it and answers it
 *       with its {@code id}; with {@code type} {@code rotate-server-key} ({@code userId}),
 *       {@code revoke-api-key} ({@code apiKey}) or {@code expire-session} ({@code token} or
 *       {@code userId}) it performs that action at once and answers what it affected;</li>
 *   <li>{@code GET /emulator/admin/faults} lists the active faults;</li>
 *   <li>{@code DELETE /emulator/admin/faults} removes them all, {@code DELETE .../faults/{id}} one.</li>
 * </ul>
 *
 * <p>Answers are plain JSON (no bunq envelope, no signature); mistakes get a 400 {@code {"error": ...}}
 * naming the field. Handlers run on the emulator's context.
 */
final class FaultRoutes {

  /** Path of the admin endpoint. */
  static final String PATH = "/emulator/admin/faults";
  private static final Set<String> ACTIONS = Set.of("rotate-server-key", "revoke-api-key", "expire-session");

  private final FaultInjector injector;
  private final CredentialFaults credentials;

  FaultRoutes(FaultInjector injector, CredentialFaults credentials) {
    this.injector = injector;
    this.credentials = credentials;
  }

  void mount(Router router) {
    router.post(PATH).handler(this::post);
    router.get(PATH).handler(ctx -> answer(ctx, 200, new JsonObject().put("faults", injector.list())));
    router.delete(PATH).handler(ctx -> answer(ctx, 200, new JsonObject().put("removed", injector.clear())));
    router.delete(PATH + "/:id").handler(ctx -> {
      String id = ctx.pathParam("id");
      if (injector.remove(id)) {
        answer(ctx, 200, new JsonObject().put("removed", 1));
      } else {
        answer(ctx, 404, new JsonObject().put("error", "no active fault has id " + id));
      }
    });
  }

  private void post(RoutingContext ctx) {
    JsonObject body;
    try {
      Object parsed = Json.decodeValue(Guard.rawBody(ctx).toString());
      if (!(parsed instanceof JsonObject object)) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      body = object;
    } catch (DecodeException e) {
      answer(ctx, 400, new JsonObject().put("error", "the body is not valid JSON"));
      return;
    } catch (IllegalArgumentException e) {
      answer(ctx, 400, new JsonObject().put("error", e.getMessage()));
      return;
    }
    Future<JsonObject> result;
    try {
      result = ACTIONS.contains(body.getValue("type")) ? action(body) : install(body);
    } catch (IllegalArgumentException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(json -> answer(ctx, 200, json), failure -> answer(ctx, 400,
        new JsonObject().put("error", failure.getMessage())));
  }

  private Future<JsonObject> install(JsonObject body) {
    if (!(body.getValue("type") instanceof String type) || !isFaultType(type)) {
      TreeSet<String> types = new TreeSet<>(ACTIONS);
      for (Fault.Type t : Fault.Type.values()) {
        types.add(t.json());
      }
      throw new IllegalArgumentException("type must be one of " + types + ", was " + body.getValue("type"));
    }
    Fault fault = Fault.fromJson(body);
    String id = injector.add(fault);
    return Future.succeededFuture(new JsonObject().put("id", id).mergeIn(fault.toJson()));
  }

  private Future<JsonObject> action(JsonObject body) {
    String type = body.getString("type");
    JsonObject done = new JsonObject().put("type", type);
    switch (type) {
      case "rotate-server-key" -> {
        only(body, "type", "userId");
        return credentials.rotateServerKeys(id(body, "userId")).map(n -> done.put("installations", n));
      }
      case "revoke-api-key" -> {
        only(body, "type", "apiKey");
        String apiKey = text(body, "apiKey");
        if (apiKey == null || apiKey.isBlank()) {
          throw new IllegalArgumentException("apiKey is missing");
        }
        return Future.succeededFuture(done.put("sessionsEnded", credentials.revokeApiKey(apiKey)));
      }
      default -> {
        only(body, "type", "token", "userId");
        String token = text(body, "token");
        if (token != null) {
          return Future.succeededFuture(done.put("sessionsEnded", credentials.expireSession(token) ? 1 : 0));
        }
        if (body.getValue("userId") == null) {
          throw new IllegalArgumentException("expire-session needs token or userId");
        }
        return Future.succeededFuture(done.put("sessionsEnded", credentials.expireSessions(id(body, "userId"))));
      }
    }
  }

  private static boolean isFaultType(String type) {
    for (Fault.Type t : Fault.Type.values()) {
      if (t.json().equals(type)) {
        return true;
      }
    }
    return false;
  }

  private static void only(JsonObject body, String... allowed) {
    Set<String> keys = Set.of(allowed);
    for (String key : body.fieldNames()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(key + " is not a known field here; known: " + new TreeSet<>(keys));
      }
    }
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return (String) value;
  }

  private static long id(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException(field + " must be a whole number, was " + value);
    }
    return ((Number) value).longValue();
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
  }
}
