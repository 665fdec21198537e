package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * In-memory records of request inquiries and responses, draft payments, payment batches, cards and
 * card actions, events, callbacks on their way and failed callbacks, each findable by id and listable per owner
 * (account or user) in id order. Not thread-safe: used only on the emulator verticle's context.
 */
final class ResourceStore {

  private final Table<RequestInquiry> inquiries = new Table<>();
  private final Table<RequestResponse> responses = new Table<>();
  private final Table<DraftPayment> drafts = new Table<>();
  private final Table<PaymentBatch> batches = new Table<>();
  private final Table<CardAction> cardActions = new Table<>();
  /** Events per user. */
  private final Table<Event> events = new Table<>();
  /** Failed callbacks per user. */
  private final Table<FailedCallback> failures = new Table<>();
  /** Cards per owning user. */
  private final Table<Card> cards = new Table<>();
  /** The uploaded files, kept apart: they are found by uuid, not per owner. */
  private final Attachments attachments = new Attachments();
  /** Callbacks not yet delivered nor failed for good, by key, oldest first. */
  private final Map<Long, CallbackSender.Pending> pendingCallbacks = new LinkedHashMap<>();
  private long lastPendingKey;

  void addInquiry(RequestInquiry inquiry) {
    inquiries.put(inquiry.account.id, inquiry.id, inquiry);
  }

  /** The inquiry with this id on this account. */
  Optional<RequestInquiry> inquiry(long accountId, long id) {
    return inquiries.get(accountId, id);
  }

  NavigableMap<Long, RequestInquiry> inquiriesOf(long accountId) {
    return inquiries.of(accountId);
  }

  void addResponse(RequestResponse response) {
    responses.put(response.account.id, response.id, response);
  }

  Optional<RequestResponse> response(long accountId, long id) {
    return responses.get(accountId, id);
  }

  NavigableMap<Long, RequestResponse> responsesOf(long accountId) {
    return responses.of(accountId);
  }

  void addDraft(DraftPayment draft) {
    drafts.put(draft.account.id, draft.id, draft);
  }

  /** The draft with this id, whichever account it belongs to. */
  Optional<DraftPayment> draft(long id) {
    return Optional.ofNullable(drafts.byId.get(id));
  }

  NavigableMap<Long, DraftPayment> draftsOf(long accountId) {
    return drafts.of(accountId);
  }

  void addBatch(PaymentBatch batch) {
    batches.put(batch.accountId(), batch.id(), batch);
  }

  Optional<PaymentBatch> batch(long accountId, long id) {
    return batches.get(accountId, id);
  }

  NavigableMap<Long, PaymentBatch> batchesOf(long accountId) {
    return batches.of(accountId);
  }

  void addCardAction(CardAction action) {
    cardActions.put(action.accountId(), action.id(), action);
  }

  Optional<CardAction> cardAction(long accountId, long id) {
    return cardActions.get(accountId, id);
  }

  NavigableMap<Long, CardAction> cardActionsOf(long accountId) {
    return cardActions.of(accountId);
  }

  void addCard(Card card) {
    cards.put(card.owner.id(), card.id, card);
  }

  /** The user's card with this id. */
  Optional<Card> card(long userId, long id) {
    return cards.get(userId, id);
  }

  NavigableMap<Long, Card> cardsOf(long userId) {
    return cards.of(userId);
  }

  /**
   * The card that pays from the account: the newest ACTIVE one of those with a PIN on it, else the
   * newest of those; empty when no card pays from it.
   */
  Optional<Card> cardPayingFrom(Account account) {
    List<Card> paying = cards.of(account.owner.id()).descendingMap().values().stream()
        .filter(c -> c.paysFrom(account.id))
        .toList();
    return paying.stream().filter(c -> "ACTIVE".equals(c.status)).findFirst().or(() -> paying.stream().findFirst());
  }

  void addEvent(Event event) {
    events.put(event.userId(), event.id(), event);
  }

  Optional<Event> event(long userId, long id) {
    return events.get(userId, id);
  }

  NavigableMap<Long, Event> eventsOf(long userId) {
    return events.of(userId);
  }

  /** Keeps (or, for the same id, replaces) a callback that failed for good. */
  void putFailure(FailedCallback failure) {
    failures.put(failure.userId(), failure.id(), failure);
  }

  Optional<FailedCallback> failure(long userId, long id) {
    return failures.get(userId, id);
  }

  NavigableMap<Long, FailedCallback> failuresOf(long userId) {
    return failures.of(userId);
  }

  void removeFailure(FailedCallback failure) {
    failures.remove(failure.userId(), failure.id());
  }

  /** The uploaded files: public attachments, avatars and the attachments of accounts. */
  Attachments attachments() {
    return attachments;
  }

  /** A key for a new pending callback. */
  long nextPendingKey() {
    return ++lastPendingKey;
  }

  /** Keeps (or, for a restored one, puts back) a callback on its way. */
  void putPending(CallbackSender.Pending pending) {
    pendingCallbacks.put(pending.key, pending);
    lastPendingKey = Math.max(lastPendingKey, pending.key);
  }

  void removePending(CallbackSender.Pending pending) {
    pendingCallbacks.remove(pending.key);
  }

  /** The callbacks on their way, oldest first; a copy. */
  List<CallbackSender.Pending> pendingCallbacks() {
    return List.copyOf(pendingCallbacks.values());
  }

  // --- Snapshot and restore of a durable emulator (issue #5) ---

  Collection<RequestInquiry> inquiries() {
    return inquiries.all();
  }

  Collection<RequestResponse> responses() {
    return responses.all();
  }

  Collection<DraftPayment> drafts() {
    return drafts.all();
  }

  Collection<PaymentBatch> batches() {
    return batches.all();
  }

  /** Card actions with an id above {@code id}, in id order. */
  Collection<CardAction> cardActionsAfter(long id) {
    return cardActions.after(id);
  }

  /** Events with an id above {@code id}, in id order. */
  Collection<Event> eventsAfter(long id) {
    return events.after(id);
  }

  long lastCardActionId() {
    return cardActions.lastId();
  }

  long lastEventId() {
    return events.lastId();
  }

  Collection<FailedCallback> failures() {
    return failures.all();
  }

  /** Every card in id order; a copy. */
  Collection<Card> cards() {
    return cards.all();
  }

  /** Objects by id, and per owner ordered by id. */
  private static final class Table<T> {
    private final NavigableMap<Long, T> byId = new TreeMap<>();
    private final Map<Long, NavigableMap<Long, T>> byOwner = new HashMap<>();

    void put(long owner, long id, T value) {
      byId.put(id, value);
      byOwner.computeIfAbsent(owner, k -> new TreeMap<>()).put(id, value);
    }

    Optional<T> get(long owner, long id) {
      return Optional.ofNullable(byOwner.getOrDefault(owner, Collections.emptyNavigableMap()).get(id));
    }

    NavigableMap<Long, T> of(long owner) {
      return Collections.unmodifiableNavigableMap(byOwner.getOrDefault(owner, Collections.emptyNavigableMap()));
    }

    /** Every object in id order; a copy. */
    Collection<T> all() {
      return List.copyOf(byId.values());
    }

    /** The objects with an id above {@code id}, in id order; a copy. */
    Collection<T> after(long id) {
      return List.copyOf(byId.tailMap(id, false).values());
    }

    /** The highest id held, 0 when empty. */
    long lastId() {
      return byId.isEmpty() ? 0 : byId.lastKey();
    }

    void remove(long owner, long id) {
      byId.remove(id);
      NavigableMap<Long, T> owned = byOwner.get(owner);
      if (owned != null) {
        owned.remove(id);
      }
    }
  }
}
