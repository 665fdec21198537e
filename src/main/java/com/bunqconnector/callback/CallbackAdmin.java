package com.bunqconnector.callback;

import com.bunqconnector.bus.Addresses;
import com.bunqconnector.config.ConfigException;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Addresses#ADMIN} consumer: lists and replays dead letters, rotates a tenant's callback
 * token, registers filters, and adds, removes and lists the users added at run time ({@link UserAdmin}).
 * Every reply is JSON; a bad request fails with code 400 and a message naming the problem. No message
 * quotes a request's API key, nor a user id that breaks the id rule (it might be a key sent in the
 * wrong field).
 */
final class CallbackAdmin {

  private static final Logger log = LoggerFactory.getLogger(CallbackAdmin.class);

  static final String LIST = "list-dead-letters";
  static final String REPLAY = "replay";
  static final String REPLAY_ALL = "replay-all";
  static final String ROTATE = "rotate-token";
  static final String REGISTER = "register-filters";
  static final String ADD_USER = "add-user";
  static final String REMOVE_USER = "remove-user";
  static final String LIST_USERS = "list-users";
  private static final List<String> ACTIONS = List.of(LIST, REPLAY, REPLAY_ALL, ROTATE, REGISTER, ADD_USER,
      REMOVE_USER, LIST_USERS);
  /** The longest API key add-user takes: bunq's keys and OAuth tokens are 64 to 72 characters. */
  static final int MAX_API_KEY_LENGTH = 512;
  private static final Set<String> ADD_USER_FIELDS = Set.of("action", "tenant", "user", "apiKey", "permittedIps");

  private final Map<String, TenantConfig> tenants;
  private final EventStore store;
  private final Deliverer deliverer;
  private final CallbackTokens tokens;
  private final Function<TenantConfig, Future<JsonObject>> registrar;
  private final UserAdmin users;

  /**
   * @param registrar registers a tenant's filters, or {@code null} when this node registers none
   * @param users     the users added at run time, or {@code null} when this node manages none
   */
  CallbackAdmin(Map<String, TenantConfig> tenants, EventStore store, Deliverer deliverer, CallbackTokens tokens,
      Function<TenantConfig, Future<JsonObject>> registrar, UserAdmin users) {
    this.tenants = tenants;
    this.store = store;
    this.deliverer = deliverer;
    this.tokens = tokens;
    this.registrar = registrar;
    this.users = users;
  }

  void handle(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request)) {
      message.fail(400, "an admin request is a JSON object with an action: " + ACTIONS);
      return;
    }
    String action = request.getValue("action") instanceof String text ? text : "";
    String tenant = request.getValue("tenant") instanceof String text ? text : null;
    if (tenant != null && !tenants.containsKey(tenant)) {
      // A value that is no id is not quoted: it might be a key sent in the wrong field.
      message.fail(400, TenantConfig.isId(tenant) ? "tenant '" + tenant + "' is not configured"
          : "no tenant is configured under the tenant given, which is not an id (not shown)");
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
      case ADD_USER, REMOVE_USER, LIST_USERS -> users(action, tenant, request);
      default -> Future.failedFuture(new IllegalArgumentException("unknown action " + ConfigException.quote(action)
          + "; known: " + ACTIONS));
    };
    reply.onSuccess(message::reply).onFailure(e -> message.fail(
        e instanceof IllegalArgumentException ? 400 : 500, e.getMessage()));
  }

  private Future<JsonObject> users(String action, String tenant, JsonObject request) {
    if (users == null) {
      return Future.failedFuture(new IllegalStateException("this node manages no users"));
    }
    if (action.equals(LIST_USERS)) {
      return users.list(tenant);
    }
    if (tenant == null) {
      return Future.failedFuture(new IllegalArgumentException(action + " needs a tenant"));
    }
    Object user = request.getValue("user");
    if (!(user instanceof String id) || !TenantConfig.isId(id)) {
      return Future.failedFuture(new IllegalArgumentException(action + " needs a user: an id that "
          + TenantConfig.ID_RULE + (user == null ? "" : "; the one given is not (not shown)")));
    }
    if (action.equals(REMOVE_USER)) {
      return users.remove(tenant, id);
    }
    for (String field : request.fieldNames()) {
      if (!ADD_USER_FIELDS.contains(field)) {
        // Shortened when long or key-like: a key sent as a field name must not come back in the reply.
        return Future.failedFuture(new IllegalArgumentException("add-user has no field " + ConfigException.quote(field)
            + "; its fields: " + new TreeSet<>(ADD_USER_FIELDS)));
      }
    }
    if (!(request.getValue("apiKey") instanceof String apiKey) || apiKey.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("add-user needs the user's apiKey, a non-empty string"));
    }
    if (TenantConfig.hasStrayCharacters(apiKey)) {
      return Future.failedFuture(new IllegalArgumentException("add-user's apiKey has white space or control"
          + " characters in it or around it; send the key alone"));
    }
    if (apiKey.length() > MAX_API_KEY_LENGTH) {
      return Future.failedFuture(new IllegalArgumentException("add-user's apiKey is " + apiKey.length()
          + " characters long; a bunq API key or OAuth token has far fewer than " + MAX_API_KEY_LENGTH));
    }
    Object ips = request.getValue("permittedIps", new JsonArray());
    if (!(ips instanceof JsonArray list)) {
      return Future.failedFuture(new IllegalArgumentException("permittedIps must be a list of IPv4 addresses or *"));
    }
    List<String> permittedIps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof String ip) || !TenantConfig.isPermittedIp(ip)) {
        return Future.failedFuture(new IllegalArgumentException("permittedIps[" + i + "] must be an IPv4 address or"
            + " *"));
      }
      permittedIps.add(ip);
    }
    return users.add(tenant, id, apiKey, permittedIps);
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
