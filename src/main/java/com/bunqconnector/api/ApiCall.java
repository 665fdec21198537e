package com.bunqconnector.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.TreeMap;

/**
 * One call to bunq on behalf of a configured user.
 *
 * @param tenant tenant id
 * @param user   the tenant's id of the user
 * @param method HTTP method
 * @param path   path below {@code /v1}, starting with {@code /}; {@code {userId}} is replaced by the user's bunq id
 * @param query  query parameters (sent sorted by name)
 * @param body   the exact JSON bytes to send, or {@code null}
 * @param deadlineMs the caller's deadline (epoch milliseconds) after which no attempt of the call
 *               is started, or 0 for none
 */
public record ApiCall(String tenant, String user, HttpMethod method, String path, Map<String, String> query,
    Buffer body, long deadlineMs) {

  /** The placeholder in {@link #path} that stands for the user's bunq id. */
  public static final String USER_ID = "{userId}";

  public ApiCall {
    query = new TreeMap<>(query);
  }

  /** A call without a deadline of its caller. */
  public ApiCall(String tenant, String user, HttpMethod method, String path, Map<String, String> query,
      Buffer body) {
    this(tenant, user, method, path, query, body, 0);
  }
}
