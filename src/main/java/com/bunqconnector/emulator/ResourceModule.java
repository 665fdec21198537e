package com.bunqconnector.emulator;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;

/**
 * The bunq resources beyond authentication and users, wired together: monetary accounts,
 * payments and payment batches, request inquiries and responses, draft payments, cards and card
 * transactions, the event feed, attachments and avatars, notification filters with their
 * failures, and the emulator-only admin routes that stand in for the bunq app and the card
 * network. Emulator context only.
 */
final class ResourceModule {

  private final ResourceStore store = new ResourceStore();
  private final Vertx vertx;
  private final EmulatorState state;
  private final Guard guard;
  private final CallbackSender callbacks;
  private final Ledger ledger;
  private final DraftPayments drafts;
  private final Cards cardModel;
  private final CardPayments cards;
  private final EmulatorOptions options;

  ResourceModule(Vertx vertx, WebClient client, EmulatorState state, EmulatorOptions options, Guard guard) {
    this.vertx = vertx;
    this.state = state;
    this.guard = guard;
    this.callbacks = new CallbackSender(vertx, client, state, store, options);
    this.ledger = new Ledger(state, store, callbacks, options.isEnforceDailyLimits());
    this.drafts = new DraftPayments(state, store, ledger, callbacks);
    this.cardModel = new Cards(state, store);
    this.cards = new CardPayments(state, store, ledger, callbacks, cardModel);
    this.options = options;
  }

  void mount(Router router, Replies replies) {
    new AccountRoutes(state, guard).mount(router, replies);
    new FilterRoutes(state, store, guard, callbacks, options.isHttpsCallbacksOnly()).mount(router, replies);
    new PaymentRoutes(state, guard, ledger).mount(router, replies);
    new PaymentBatchRoutes(state, store, guard, ledger, drafts).mount(router, replies);
    new RequestRoutes(store, guard, new RequestFlows(state, store, ledger, callbacks)).mount(router, replies);
    new DraftPaymentRoutes(store, guard, drafts).mount(router, replies);
    new CardRoutes(store, guard, cardModel).mount(router, replies);
    new EventRoutes(store, guard).mount(router, replies);
    new AttachmentRoutes(vertx, state, store.attachments(), guard, options.getAttachmentStorageBytes())
        .mount(router, replies);
    new ResourceAdminRoutes(store, drafts, cards).mount(router, replies);
  }

  ResourceStore store() {
    return store;
  }

  DraftPayments drafts() {
    return drafts;
  }

  CardPayments cards() {
    return cards;
  }

  /**
   * Makes callbacks wait for {@code durability} to save what they tell of, then resumes the callbacks
   * on their way that a restarted emulator's saved state holds.
   */
  void durable(Durability durability) {
    callbacks.useDurability(durability);
    callbacks.resume();
  }

  /** Cancels pending callback retries and closes the callback web client. */
  void close() {
    callbacks.close();
  }
}
