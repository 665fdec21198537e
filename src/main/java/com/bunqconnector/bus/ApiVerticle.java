package com.bunqconnector.bus;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqApiException;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.BunqResponse;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code bunq.api}: each request
 * {@code {"tenant","user","method","path","query","body","all","limit","timeoutMs"}} becomes a
 * signed, verified bunq call for that user. The reply is
 * {@code {"status","Response","Pagination","response_id","pages"}} (and {@code "complete"} for a
 * walk of all pages) with the {@code Response} array and {@code Pagination} exactly as bunq sent
 * them; failures come back as described in {@link BusFailures}.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final BunqClient client;

  public ApiVerticle(BunqClient client) {
    this.client = client;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.API, this::handle);
    return consumer.completion();
  }

  private void handle(Message<Object> message) {
    ApiCall call;
    int pageLimit;
    try {
      call = ApiRequests.parse(message.body());
      pageLimit = ApiRequests.pageLimit((JsonObject) message.body());
    } catch (InvalidRequestException e) {
      log.warn("Rejected bunq.api request: {}", e.getMessage());
      fail(message, e);
      return;
    }
    Future<BunqResponse> answer = pageLimit > 0 ? client.callAll(call, pageLimit) : client.call(call);
    answer.onComplete(result -> {
      if (result.succeeded()) {
        try {
          JsonObject reply = reply(result.result());
          message.reply(pageLimit > 0 ? reply.put("complete", result.result().complete()) : reply);
        } catch (RuntimeException e) {
          log.error("Replying to bunq.api for {}/{} failed", call.tenant(), call.user(), e);
          fail(message, e);
        }
      } else {
        Throwable failure = result.cause();
        if (failure instanceof BunqApiException) {
          log.debug("bunq call {} {} for {}/{} failed: {}", call.method(), call.path(), call.tenant(), call.user(),
              failure.getMessage());
        } else {
          log.warn("bunq call {} {} for {}/{} failed: {}", call.method(), call.path(), call.tenant(), call.user(),
              failure.toString());
        }
        fail(message, failure);
      }
    });
  }

  private static JsonObject reply(BunqResponse response) {
    return new JsonObject()
        .put("status", response.status())
        .put("Response", response.items())
        .put("Pagination", response.pagination())
        .put("response_id", response.responseId())
        .put("pages", response.pages());
  }

  private static void fail(Message<Object> message, Throwable failure) {
    message.fail(BusFailures.failureCode(failure), BusFailures.describe(failure).encode());
  }
}
