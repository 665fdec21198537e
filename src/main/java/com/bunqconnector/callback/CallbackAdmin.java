package com.bunqconnector.callback;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Addresses#ADMIN} consumer: lists and replays dead letters, rotates a tenant's callback
 * token. Every reply is JSON; a bad request fails with code 400 and a message naming the problem.
 */
final class CallbackAdmin {

  private static final Logger log = LoggerFactory.getLogger(CallbackAdmin.class);

  static final String LIST = "list-dead-letters";
  static final String REPLAY = "replay";
  static final String REPLAY_ALL = "replay-all";
  static final String ROTATE = "rotate-token";
  static final String REGISTER = "register-filters";
  private static final List<String> ACTIONS = List.of(LIST, REPLAY, REPLAY_ALL, ROTATE, REGISTER);

  private final Map<String, TenantConfig> tenants;
  private final EventStore store;
  private final Deliverer deliverer;
  private final CallbackTokens tokens;
  private final Function<TenantConfig, Future<JsonObject>> registrar;

  CallbackAdmin(Map<String, TenantConfig> tenants, EventStore store, Deliverer deliverer, CallbackTokens tokens,
      Function<TenantConfig, Future<JsonObject>> registrar) {
    this.tenants = tenants;
    this.store = store;
    this.deliverer = deliverer;
    this.tokens = tokens;
    this.registrar = registrar;
  }

  void handle(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request)) {
      message.fail(400, "an admin request is a JSON object with an action: " + ACTIONS);
      return;
    }
    String action = request.getValue("action") instanceof String text ? text : "";
    String tenant = request.getValue("tenant") instanceof String text ? text : null;
    if (tenant != null && !tenants.containsKey(tenant)) {
      message.fail(400, "tenant '" + tenant + "' is not configured");
      return;
    }
    Future<JsonObject> reply = switch (action) {
      case LIST -> store.deadLetters(tenant).map(letters -> new JsonObject()
          .put("deadLetters", new JsonArray(new ArrayList<>(letters))));
      case REPLAY -> request.getValue("id") instanceof String id
          ? replay(List.of(id))
          : Future.failedFuture(new IllegalArgumentException("replay needs the dead letter's id"));
      case REPLAY_ALL -> store.deadLetters(tenant)
          .compose(letters -> replay(letters.stream().map(letter -> letter.getString("id")).toList()));
      case ROTATE -> tenant == null
          ? Future.failedFuture(new IllegalArgumentException("rotate-token needs a tenant"))
          : rotate(tenants.get(tenant));
      case REGISTER -> tenant == null
          ? Future.failedFuture(new IllegalArgumentException("register-filters needs a tenant"))
          : register(tenants.get(tenant));
      default -> Future.failedFuture(new IllegalArgumentException("unknown action '" + action + "'; known: "
          + ACTIONS));
    };
    reply.onSuccess(message::reply).onFailure(e -> message.fail(
        e instanceof IllegalArgumentException ? 400 : 500, e.getMessage()));
  }

  private Future<JsonObject> replay(List<String> ids) {
    Future<Integer> count = Future.succeededFuture(0);
    for (String id : ids) {
      count = count.compose(done -> store.revive(id).map(entry -> {
        if (entry == null) {
          return done;
        }
        deliverer.accepted(entry);
        return done + 1;
      }));
    }
    return count.map(replayed -> {
      log.info("Replaying {} dead letters", replayed);
      return new JsonObject().put("replayed", replayed);
    });
  }

  private Future<JsonObject> rotate(TenantConfig tenant) {
    return tokens.rotate(tenant).compose(rotated -> {
      log.info("Rotated the callback token of tenant {}", tenant.id());
      if (registrar == null) {
        return Future.succeededFuture(rotated);
      }
      return register(tenant).map(result -> rotated.put("registration", result));
    });
  }

  private Future<JsonObject> register(TenantConfig tenant) {
    if (registrar == null) {
      return Future.failedFuture(new IllegalStateException("this node registers no filters"));
    }
    return registrar.apply(tenant);
  }
}
