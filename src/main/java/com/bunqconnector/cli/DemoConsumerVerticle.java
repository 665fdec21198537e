package com.bunqconnector.cli;

import com.bunqconnector.callback.CallbackHeaders;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's consumer: listens on the tenants' callback addresses, logs each callback (tenant,
 * user, category, event, object type and id, amount) and acknowledges it. A model for an application's own consumer.
 */
final class DemoConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DemoConsumerVerticle.class);

  private final Set<String> addresses;
  private final AtomicLong received = new AtomicLong();

  DemoConsumerVerticle(Set<String> addresses) {
    this.addresses = Set.copyOf(addresses);
  }

  long received() {
    return received.get();
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> registered = new ArrayList<>();
    for (String address : addresses) {
      registered.add(vertx.eventBus().<JsonObject>consumer(address, this::handle).completion());
    }
    return Future.all(registered);
  }

  private void handle(Message<JsonObject> message) {
    received.incrementAndGet();
    String type = message.headers().get(CallbackHeaders.OBJECT_TYPE);
    JsonObject object = object(message.body(), type);
    log.info("Callback at {} tenant={} user={} category={} event={} object={} id={} amount={}", message.address(),
        message.headers().get(CallbackHeaders.TENANT), message.headers().get(CallbackHeaders.USER),
        message.headers().get(CallbackHeaders.CATEGORY), message.headers().get(CallbackHeaders.EVENT_TYPE), type,
        object.getValue("id", "-"), amount(object));
    message.reply("ack");
  }

  /** The event's object of {@code type} (e.g. {@code {"Payment": {...}}}'s inner object), or an empty one. */
  private static JsonObject object(JsonObject body, String type) {
    JsonObject wrapper = body.getJsonObject("NotificationUrl", new JsonObject()).getJsonObject("object",
        new JsonObject());
    return type != null && wrapper.getValue(type) instanceof JsonObject inner ? inner : new JsonObject();
  }

  private static String amount(JsonObject object) {
    return object.getValue("amount") instanceof JsonObject amount
        ? amount.getString("value") + " " + amount.getString("currency")
        : "-";
  }
}
