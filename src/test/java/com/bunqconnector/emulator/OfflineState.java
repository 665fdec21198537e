package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A durable emulator's state without its HTTP side, for tests of the change log: loaded from a
 * directory, changed on a Vert.x context as the emulator changes it, and saved by {@link Durability}
 * through the {@link ChangeLog} on a worker.
 */
final class OfflineState {
  private final Context context;
  private final WorkerExecutor worker;
  private final long minimum;
  final Path data;
  final EmulatorState state = new EmulatorState(Clock.systemUTC());
  final OauthRegistry oauth = new OauthRegistry(state);
  final ResourceStore store = new ResourceStore();
  final Seeder.Result seeded;
  final Durability durability;

  OfflineState(Context context, WorkerExecutor worker, Path data, long minimum) {
    this.context = context;
    this.worker = worker;
    this.minimum = minimum;
    this.data = data;
    ChangeLog.Opened opened = ChangeLog.open(new StateFile(data), state, oauth, store, minimum);
    seeded = opened.restored().orElse(new Seeder.Result(List.of(), List.of()));
    durability = Durability.of(context, worker, state, new StateWriter(state, oauth, store, seeded,
        opened.compactFirst()), opened.log());
  }

  void users(int count) {
    for (int i = 0; i < count; i++) {
      state.createSandboxUser(new BigDecimal("100.00"), 3600);
    }
  }

  /** The accounts in creation order; on the context. */
  List<Account> accounts() {
    return List.copyOf(state.accounts());
  }

  /** Pays {@code amount} out of {@code account}: a payment, and the account's new balance. */
  void pay(Account account, String amount) {
    account.balance = account.balance.subtract(new BigDecimal(amount));
    long id = state.nextId();
    state.addPayment(new Payment(id, account.id, new JsonObject().put("id", id).put("amount", amount)));
  }

  CallbackSender.Pending pending(long key, User user) {
    return new CallbackSender.Pending(key, user.id(), "https://hook.example/" + key, "PAYMENT", "PAYMENT_CREATED",
        1, Buffer.buffer("{}"), null, null, 0);
  }

  /** Makes {@code change} on the context and waits until it is on disk. */
  void save(Consumer<OfflineState> change) throws Exception {
    call(() -> {
      change.accept(this);
      state.changed();
      return durability.settled();
    }).await(30, TimeUnit.SECONDS);
  }

  /** Every object as a full snapshot lists it, per section and key, compared as encoded JSON. */
  Map<String, Map<Object, String>> dump() throws Exception {
    StateWriter.Snapshot snapshot = call(() -> new StateWriter(state, oauth, store, seeded, true).snapshot());
    Map<String, Map<Object, String>> dump = new TreeMap<>();
    for (StateKinds.Kind kind : StateKinds.ALL) {
      Map<Object, String> objects = new HashMap<>();
      snapshot.of(kind).forEach(o -> objects.put(StateLog.key(kind, o, kind.section()), o.encode()));
      dump.put(kind.section(), objects);
    }
    return dump;
  }

  OfflineState restart() throws Exception {
    close();
    return new OfflineState(context, worker, data, minimum);
  }

  void close() throws Exception {
    call(durability::close).await(30, TimeUnit.SECONDS);
  }

  <T> T call(Supplier<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(action.get()));
    return result.future().await(30, TimeUnit.SECONDS);
  }
}
