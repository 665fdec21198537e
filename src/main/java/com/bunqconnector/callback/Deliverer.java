package com.bunqconnector.callback;

import com.bunqconnector.config.CallbackConfig;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers pending events to consumers, at least once, one user at a time in arrival order.
 *
 * <p>A node delivers a user's events only while it holds the user's lease in {@link CallbackMaps#LEASES}
 * (a time-to-live entry renewed while the node has work for the user). A node that accepts an event
 * for a user whose lease another node holds hands it to that node over the event bus; a periodic
 * sweep of the pending map picks up what nobody delivers, such as the events of a node that died
 * after acknowledging bunq (its leases run out, another node takes them). A consumer that does not
 * acknowledge is retried with doubling back-off while the user's later events wait; after the last
 * attempt the event becomes a dead letter and the next one goes. Confined to one Vert.x context.
 */
final class Deliverer {

  private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

  /** Address prefix of each node's hand-over consumer; the node id follows. */
  static final String NODE_PREFIX = "bunq.callbacks.node.";

  /** Extra header on every delivery: the event id, the same on every redelivery of the event. */
  static final String EVENT_ID = "event-id";

  /** What verify-by-fetch answers about an event. */
  interface Verifier {
    /** Completes with whether bunq confirms the event's object; fails when bunq could not be asked. */
    Future<Boolean> confirms(TenantConfig tenant, JsonObject entry);
  }

  /**
   * One user's events on this node, ordered by arrival. The current event's failed attempts and the
   * addresses that acknowledged it are also in its pending entry ({@link EventStore#recordAttempt}), where
   * a node that takes the user over continues from; here they cover an attempt the entry could not record.
   */
  private static final class UserQueue {
    final TreeMap<String, String> events = new TreeMap<>();
    boolean owned;
    /** Whether its events go to the lease's holder should that be another node (else the sweep finds them). */
    boolean forward;
    /** Completes once the queue's events have their place: the lease is this node's, or they were handed on. */
    Future<Void> placed = Future.succeededFuture();
    boolean running;
    boolean lost;
    String currentId;
    /** The queue key ({@code seq/id}) of the event being delivered. */
    String currentOrder;
    int attempts;
    int verifyFailures;
    boolean verified;
    /** The current event's body, read once for all its attempts. */
    JsonObject body;
    final Set<String> acked = new LinkedHashSet<>();
  }

  private final Vertx vertx;
  private final EventStore store;
  private final Function<String, TenantConfig> tenants;
  private final CallbackConfig config;
  private final CallbackStats stats;
  private final Verifier verifier;
  private final String nodeId = UUID.randomUUID().toString();
  private final Map<String, UserQueue> queues = new HashMap<>();
  private MessageConsumer<JsonObject> handOver;
  private long sweepTimer = -1;
  private long renewTimer = -1;
  private boolean stopped;

  Deliverer(Vertx vertx, EventStore store, Function<String, TenantConfig> tenants, CallbackConfig config,
      CallbackStats stats, Verifier verifier) {
    this.vertx = vertx;
    this.store = store;
    this.tenants = tenants;
    this.config = config;
    this.stats = stats;
    this.verifier = verifier;
  }

  Future<Void> start() {
    handOver = vertx.eventBus().consumer(NODE_PREFIX + nodeId, message -> {
      JsonObject event = message.body();
      offer(event.getString("user"), event.getLong("seq"), event.getString("id"), false)
          .onComplete(queued -> message.reply("queued"));
    });
    sweepTimer = vertx.setPeriodic(config.sweepMs(), id -> sweep());
    renewTimer = vertx.setPeriodic(Math.max(10, config.leaseMs() / 3), id -> renewLeases());
    return handOver.completion();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(renewTimer);
    if (handOver != null) {
      handOver.unregister();
    }
  }

  private Future<AsyncMap<String, String>> leases() {
    return vertx.sharedData().getAsyncMap(CallbackMaps.LEASES);
  }

  /**
   * Hands a freshly stored event to whoever delivers its user's events. Completes once the event has
   * its place in that node's queue (or the hand-over failed, and the sweep will find it): bunq hears
   * 200 only then, so an event bunq sends after that answer can never overtake this one.
   */
  Future<Void> accepted(JsonObject entry) {
    return offer(EventStore.userKey(entry), entry.getLong("seq"), entry.getString("id"), true);
  }

  /**
   * Queues an event for its user on this node when the node holds (or takes) the user's lease, else
   * forwards it to the holder when {@code forward}. Completes once the event is queued here or the
   * holder answered (or did not, within a lease's time).
   */
  private Future<Void> offer(String userKey, long seq, String id, boolean forward) {
    if (stopped) {
      return Future.succeededFuture();
    }
    String order = String.format("%020d/%s", seq, id);
    UserQueue queue = queues.get(userKey);
    if (queue != null) {
      queue.events.putIfAbsent(order, id);
      queue.forward |= forward;
      return queue.placed;
    }
    UserQueue fresh = new UserQueue();
    fresh.events.put(order, id);
    fresh.forward = forward;
    queues.put(userKey, fresh);
    Promise<Void> placed = Promise.promise();
    fresh.placed = placed.future();
    leases().compose(leases -> leases.putIfAbsent(userKey, nodeId, config.leaseMs())).onComplete(lease -> {
      if (lease.succeeded() && (lease.result() == null || nodeId.equals(lease.result()))) {
        fresh.owned = true;
        placed.complete();
        run(userKey, fresh);
        return;
      }
      queues.remove(userKey, fresh);
      if (lease.failed()) {
        log.warn("Cannot take the delivery lease of {}; the sweep retries: {}", userKey,
            lease.cause().getMessage());
        placed.complete();
      } else if (fresh.forward) {
        List<Future<?>> handed = new ArrayList<>();
        for (Map.Entry<String, String> event : fresh.events.entrySet()) {
          long eventSeq = Long.parseLong(event.getKey().substring(0, 20));
          handed.add(vertx.eventBus().request(NODE_PREFIX + lease.result(),
              new JsonObject().put("user", userKey).put("seq", eventSeq).put("id", event.getValue()),
              new DeliveryOptions().setSendTimeout(config.leaseMs())));
        }
        Future.join(handed).onComplete(done -> placed.complete());
      } else {
        placed.complete();
      }
    });
    return fresh.placed;
  }

  private void run(String userKey, UserQueue queue) {
    if (queue.running) {
      return;
    }
    queue.running = true;
    next(userKey, queue);
  }

  private void next(String userKey, UserQueue queue) {
    if (queue.lost || stopped || queue.events.isEmpty()) {
      queue.running = false;
      queues.remove(userKey, queue);
      return;
    }
    Map.Entry<String, String> first = queue.events.firstEntry();
    queue.currentOrder = first.getKey();
    String id = first.getValue();
    if (!id.equals(queue.currentId)) {
      queue.currentId = id;
      queue.attempts = 0;
      queue.verifyFailures = 0;
      queue.verified = false;
      queue.body = null;
      queue.acked.clear();
    }
    store.pendingEntry(id).onComplete(read -> {
      if (read.failed()) {
        retryLater(userKey, queue, "the pending map could not be read: " + read.cause().getMessage());
      } else if (read.result() == null) {
        finish(userKey, queue);
      } else {
        JsonObject entry = read.result();
        queue.attempts = Math.max(queue.attempts, entry.getInteger("attempts", 0));
        JsonArray acked = entry.getJsonArray("acked", new JsonArray());
        acked.forEach(address -> queue.acked.add(String.valueOf(address)));
        attempt(userKey, queue, entry);
      }
    });
  }

  /**
   * Removes a delivered (or dropped) event from the pending map, then goes on with the user's next.
   * While the store refuses the removal (a full disk, say) the user's queue waits on this event and
   * the removal is tried again with back-off: going on would leave the event pending for the sweep to
   * deliver again, and again.
   */
  private void forget(String userKey, UserQueue queue, String id, int attempt) {
    store.done(id).onComplete(done -> {
      if (done.succeeded() || stopped) {
        finish(userKey, queue);
        return;
      }
      if (attempt == 1 || Integer.bitCount(attempt) == 1) {
        log.warn("Cannot remove delivered callback {} of {} from the pending map (try {}); trying again, and the"
            + " user's next events wait: {}", id, userKey, attempt, done.cause().getMessage());
      }
      long backoff = config.initialBackoffMs() << Math.min(20, attempt - 1);
      vertx.setTimer(Math.min(config.maxBackoffMs(), backoff), timer -> forget(userKey, queue, id, attempt + 1));
    });
  }

  /**
   * Takes the event that was being delivered off the queue: by its key, for an event of the user that
   * was numbered earlier but offered later may have come before it meanwhile, and must not go instead.
   */
  private void finish(String userKey, UserQueue queue) {
    queue.events.remove(queue.currentOrder);
    queue.currentId = null;
    next(userKey, queue);
  }

  private void attempt(String userKey, UserQueue queue, JsonObject entry) {
    TenantConfig tenant = tenants.apply(entry.getString("tenant"));
    String id = entry.getString("id");
    if (tenant == null) {
      bury(userKey, queue, entry, List.of(), "tenant " + entry.getString("tenant") + " is no longer configured");
      return;
    }
    List<String> addresses = entry.containsKey("addresses")
        ? entry.getJsonArray("addresses").stream().map(String::valueOf).toList()
        : tenant.consumersFor(entry.getString("category"));
    if (addresses.isEmpty()) {
      stats.countUnrouted();
      log.warn("No consumer for {} callback of tenant {} (user {}); configure callbacks.{} or callbacks.*",
          entry.getString("category"), tenant.id(), entry.getString("user"), entry.getString("category"));
      forget(userKey, queue, id, 1);
      return;
    }
    Future<Boolean> confirmed = tenant.verifyCallbacks() && !queue.verified && verifier != null
        ? verifier.confirms(tenant, entry) : Future.succeededFuture(true);
    confirmed.onComplete(check -> {
      if (check.failed()) {
        // bunq could not be asked: no consumer was tried, so this is not one of the event's attempts.
        queue.verifyFailures++;
        log.info("bunq could not confirm callback {} of {} (try {}); asking again: {}", entry.getString("id"),
            userKey, queue.verifyFailures, check.cause().getMessage());
        long backoff = config.initialBackoffMs() << Math.min(20, queue.verifyFailures - 1);
        vertx.setTimer(Math.min(config.maxBackoffMs(), backoff), timer -> next(userKey, queue));
      } else if (!check.result()) {
        stats.countUnconfirmed();
        log.warn("Dropped {} callback of {}/{}: bunq does not confirm its {}", entry.getString("category"),
            tenant.id(), entry.getString("user"), entry.getString("objectType"));
        forget(userKey, queue, id, 1);
      } else {
        queue.verified = true;
        send(userKey, queue, entry, addresses);
      }
    });
  }

  private void send(String userKey, UserQueue queue, JsonObject entry, List<String> addresses) {
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(config.ackTimeoutMs())
        .addHeader(CallbackHeaders.TENANT, entry.getString("tenant"))
        .addHeader(CallbackHeaders.CATEGORY, entry.getString("category"))
        .addHeader(CallbackHeaders.OBJECT_TYPE, entry.getString("objectType"))
        .addHeader(EVENT_ID, entry.getString("id"));
    if (entry.getString("user") != null) {
      options.addHeader(CallbackHeaders.USER, entry.getString("user"));
    }
    if (entry.getString("eventType") != null) {
      options.addHeader(CallbackHeaders.EVENT_TYPE, entry.getString("eventType"));
    }
    if (queue.body == null) {
      queue.body = new JsonObject(entry.getString("body"));
    }
    List<String> targets = addresses.stream().filter(address -> !queue.acked.contains(address)).toList();
    List<Future<?>> acks = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String address : targets) {
      // The event bus copies a JSON object for each consumer on this node and encodes it for the others.
      acks.add(vertx.eventBus().request(address, queue.body, options)
          .onSuccess(reply -> queue.acked.add(address))
          .onFailure(e -> errors.add(address + ": " + e.getMessage())));
    }
    Future.join(acks).onComplete(all -> {
      if (all.succeeded()) {
        stats.countDelivered();
        forget(userKey, queue, entry.getString("id"), 1);
      } else {
        failedAttempt(userKey, queue, entry, addresses, String.join("; ", errors));
      }
    });
  }

  private void failedAttempt(String userKey, UserQueue queue, JsonObject entry, List<String> addresses,
      String error) {
    queue.attempts++;
    List<String> remaining = addresses.stream().filter(address -> !queue.acked.contains(address)).toList();
    if (queue.attempts >= config.attempts()) {
      log.warn("Callback {} of {} is a dead letter after {} attempts: {}", entry.getString("id"), userKey,
          queue.attempts, error);
      bury(userKey, queue, entry, remaining, error);
      return;
    }
    log.info("Consumer did not acknowledge callback {} of {} (attempt {} of {}): {}", entry.getString("id"),
        userKey, queue.attempts, config.attempts(), error);
    store.recordAttempt(entry, queue.attempts, queue.acked).onComplete(recorded -> {
      if (recorded.failed()) {
        log.warn("Cannot record attempt {} of callback {} in the pending map; a node that takes {} over counts"
            + " from the last one recorded: {}", queue.attempts, entry.getString("id"), userKey,
            recorded.cause().getMessage());
      }
      retryLater(userKey, queue, error);
    });
  }

  private void retryLater(String userKey, UserQueue queue, String error) {
    stats.countRetried();
    long backoff = config.initialBackoffMs() << Math.min(20, Math.max(0, queue.attempts - 1));
    vertx.setTimer(Math.min(config.maxBackoffMs(), backoff), timer -> next(userKey, queue));
  }

  private void bury(String userKey, UserQueue queue, JsonObject entry, List<String> remaining, String error) {
    store.bury(entry, remaining, queue.attempts, error).onComplete(buried -> {
      if (buried.failed()) {
        log.warn("Cannot store dead letter {}; retrying: {}", entry.getString("id"), buried.cause().getMessage());
        vertx.setTimer(config.initialBackoffMs(), timer -> bury(userKey, queue, entry, remaining, error));
        return;
      }
      stats.countFailed();
      finish(userKey, queue);
    });
  }

  /** Keeps this node's leases of users it has work for; gives up a user whose lease another node took. */
  private void renewLeases() {
    for (Map.Entry<String, UserQueue> item : new ArrayList<>(queues.entrySet())) {
      UserQueue queue = item.getValue();
      if (!queue.owned) {
        continue;
      }
      String userKey = item.getKey();
      leases().compose(leases -> leases.get(userKey).compose(holder -> {
        if (holder != null && !holder.equals(nodeId)) {
          return Future.succeededFuture(false);
        }
        return leases.put(userKey, nodeId, config.leaseMs()).map(true);
      })).onSuccess(kept -> {
        if (!kept) {
          log.warn("Lost the delivery lease of {} to another node; it delivers from now on", userKey);
          queue.lost = true;
        }
      });
    }
  }

  /**
   * Offers every pending event older than one sweep interval to the delivery of its user, except the
   * ones this node already has in its queues (those are not even parsed).
   */
  private void sweep() {
    long cutoff = System.currentTimeMillis() - config.sweepMs();
    store.pending().compose(AsyncMap::entries).onSuccess(entries -> {
      Set<String> queued = new HashSet<>();
      queues.values().forEach(queue -> queued.addAll(queue.events.values()));
      List<JsonObject> due = new ArrayList<>();
      for (Map.Entry<String, String> item : entries.entrySet()) {
        if (queued.contains(item.getKey())) {
          continue;
        }
        JsonObject entry = new JsonObject(item.getValue());
        if (entry.getLong("receivedAt", 0L) <= cutoff) {
          due.add(entry);
        }
      }
      due.sort((a, b) -> Long.compare(a.getLong("seq"), b.getLong("seq")));
      for (JsonObject entry : due) {
        offer(EventStore.userKey(entry), entry.getLong("seq"), entry.getString("id"), false);
      }
    }).onFailure(e -> log.warn("Sweep of pending callbacks failed: {}", e.getMessage()));
  }
}
