package com.bunqconnector.callback;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The users a node adds to its tenants while it runs, behind the {@code add-user}, {@code remove-user}
 * and {@code list-users} actions of {@link com.bunqconnector.bus.Addresses#ADMIN}. The admin checks the
 * request's fields first; a future failed with {@link IllegalArgumentException} is a bad request (400).
 * No reply holds an API key.
 */
public interface UserAdmin {

  /** Adds a user with its API key to a tenant, on every node of the cluster, and registers its filters. */
  Future<JsonObject> add(String tenant, String user, String apiKey, List<String> permittedIps);

  /** Removes a user added at run time: it is served by no node any more. */
  Future<JsonObject> remove(String tenant, String user);

  /** The users of one tenant, or of every tenant when {@code tenant} is {@code null}, without API keys. */
  Future<JsonObject> list(String tenant);
}
