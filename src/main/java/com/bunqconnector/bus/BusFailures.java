package com.bunqconnector.bus;

import com.bunqconnector.api.BunqApiException;
import com.bunqconnector.api.ErrorCode;
import com.bunqconnector.session.InvalidUserException;
import com.bunqconnector.session.UnknownUserException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a failed {@code bunq.api} call travels back: {@code message.fail(failureCode, json)} where
 * the failure code is the HTTP status (or the nearest one for the connector's own failures) and
 * the message is JSON: {@code {"code","status","error_description":[...],"response_id"}}.
 */
public final class BusFailures {

  private BusFailures() {
  }

  /** The failure code to send for an exception. */
  public static int failureCode(Throwable failure) {
    if (failure instanceof BunqApiException bunq) {
      if (bunq.status() >= 400) {
        return bunq.status();
      }
      return switch (bunq.code()) {
        case TIMEOUT -> 504;
        case INVALID_REQUEST -> 400;
        default -> 502;
      };
    }
    if (failure instanceof InvalidRequestException) {
      return 400;
    }
    if (failure instanceof UnknownUserException) {
      return 404;
    }
    if (failure instanceof InvalidUserException) {
      return 401;
    }
    return 500;
  }

  /** The JSON failure message for an exception. Never includes credentials or stack traces. */
  public static JsonObject describe(Throwable failure) {
    if (failure instanceof BunqApiException bunq) {
      return json(bunq.code(), bunq.status(), bunq.descriptions(), bunq.responseId());
    }
    if (failure instanceof InvalidRequestException) {
      return json(ErrorCode.INVALID_REQUEST, 0, List.of(failure.getMessage()), null);
    }
    if (failure instanceof UnknownUserException) {
      return json(ErrorCode.UNKNOWN_USER, 0, List.of(failure.getMessage()), null);
    }
    if (failure instanceof InvalidUserException) {
      return json(ErrorCode.UNAUTHORISED, 0, List.of(failure.getMessage()), null);
    }
    return json(ErrorCode.INTERNAL, 0, List.of("internal error: " + failure.getClass().getSimpleName()), null);
  }

  /**
   * Reads a failure a {@code bunq.api} request came back with, for consumers. A reply failure that
   * is not in this format (no handler, timeout) is described with code {@code internal} or
   * {@code timeout}.
   */
  public static JsonObject read(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.getMessage() != null) {
      try {
        JsonObject json = new JsonObject(reply.getMessage());
        if (json.getValue("code") instanceof String) {
          return json;
        }
      } catch (DecodeException e) {
        // Not ours: described below.
      }
      ErrorCode code = switch (reply.failureType()) {
        case TIMEOUT -> ErrorCode.TIMEOUT;
        default -> ErrorCode.INTERNAL;
      };
      return json(code, 0, List.of(reply.getMessage()), null);
    }
    return json(ErrorCode.INTERNAL, 0, List.of(String.valueOf(failure.getMessage())), null);
  }

  private static JsonObject json(ErrorCode code, int status, List<String> descriptions, String responseId) {
    return new JsonObject()
        .put("code", code.wire())
        .put("status", status)
        .put("error_description", new JsonArray(descriptions))
        .put("response_id", responseId);
  }
}
