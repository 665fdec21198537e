package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import com.bunqconnector.emulator.ResourceModel.Schedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draft payments: parsed and kept PENDING until the account owner answers, as they would in the
 * app (through {@link BunqEmulator#acceptDraftPayment}, the admin route or a signed PUT). Accepting
 * books every entry as a payment (with the usual PAYMENT and MUTATION callbacks; several entries
 * as one payment batch) and sends DRAFT_PAYMENT {@code DRAFT_PAYMENT_ACCEPTED}; rejecting sends
 * {@code DRAFT_PAYMENT_REJECTED} (an event type no source shows; a guess). bunq's sources show no
 * callback for a newly created draft, so none is sent. Emulator context only.
 */
final class DraftPayments {

  private static final Logger log = LoggerFactory.getLogger(DraftPayments.class);

  private final EmulatorState state;
  private final ResourceStore store;
  private final Ledger ledger;
  private final CallbackSender callbacks;

  DraftPayments(EmulatorState state, ResourceStore store, Ledger ledger, CallbackSender callbacks) {
    this.state = state;
    this.store = store;
    this.ledger = ledger;
    this.callbacks = callbacks;
  }

  /**
   * Reads {@code entries} of a draft-payment body for {@code account}: each needs an amount, a
   * counterparty pointer and a description; payees are resolved now.
   */
  List<DraftEntry> entries(Account account, JsonObject body) {
    return entries(account, Fields.optionalArray(body, "entries"), "entries");
  }

  /**
   * Reads the payment objects of {@code raw}, the body's field {@code field}, as entries paid out of
   * {@code account}: what a draft's {@code entries} and a payment batch's {@code payments} hold.
   */
  List<DraftEntry> entries(Account account, JsonArray raw, String field) {
    if (raw == null || raw.isEmpty()) {
      throw ApiError.badRequest("Field \"" + field + "\" is required and must hold at least one entry.");
    }
    List<DraftEntry> entries = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String name = field + "[" + i + "]";
      if (!(raw.getValue(i) instanceof JsonObject entry)) {
        throw ApiError.badRequest("Field \"" + name + "\" must be an object.");
      }
      BigDecimal amount = Fields.positiveAmount(entry, name + ".amount");
      Pointer pointer = Fields.pointer(entry, name + ".counterparty_alias");
      Optional<Account> payee = ledger.resolve(pointer);
      if (payee.isPresent() && payee.get() == account) {
        throw ApiError.badRequest("Field \"" + name + ".counterparty_alias\" names the paying monetary account"
            + " itself.");
      }
      PaymentRoutes.checkBunqTo(entry, name + ".allow_bunqto", pointer, payee);
      String description = PaymentRoutes.description(entry, name + ".description", payee.isPresent());
      String reference = Fields.optionalString(entry, name + ".merchant_reference");
      entries.add(new DraftEntry(state.nextId(), amount, pointer, payee.orElse(null), ledger.label(pointer, payee),
          description, reference, PaymentRoutes.type(pointer, payee)));
    }
    return entries;
  }

  /** Keeps a new PENDING draft on the account and shows it in the owner's event feed. */
  DraftPayment create(Account account, List<DraftEntry> entries, Schedule schedule) {
    if (!account.isActive()) {
      throw ApiError.badRequest("Monetary account " + account.id + " is not active.");
    }
    DraftPayment draft = new DraftPayment(state.nextId(), state.now(), account, entries);
    draft.schedule = schedule;
    store.addDraft(draft);
    ledger.recordEvent(account, "DraftPayment", draft.id, () -> ResourceJson.draftPayment(draft),
        () -> "PENDING".equals(draft.status));
    log.debug("Created draft payment {} with {} entries on account {}", draft.id, entries.size(), account.id);
    return draft;
  }

  /** Replaces the entries and the schedule (may be null) of a PENDING draft. */
  void replace(DraftPayment draft, List<DraftEntry> entries, Schedule schedule) {
    checkPending(draft);
    draft.entries = List.copyOf(entries);
    draft.schedule = schedule;
    draft.updated = state.now();
  }

  /**
   * Accepts as the owner: books every entry, or none when one cannot be paid. A draft of one entry
   * becomes a Payment, one of several a PaymentBatch whose payments carry its {@code batch_id}. A
   * scheduled draft books nothing (see {@link DraftPaymentRoutes}).
   *
   * @return the draft as bunq renders it now
   * @throws ApiError 400 if the draft is not PENDING or the account cannot pay every entry
   */
  JsonObject accept(DraftPayment draft) {
    checkPending(draft);
    Account account = draft.account;
    if (draft.schedule != null) {
      log.debug("Draft payment {} is scheduled; the emulator executes no scheduled payments", draft.id);
    } else if (draft.entries.size() == 1) {
      DraftEntry entry = draft.entries.get(0);
      Payment payment = ledger.transfer(account, Optional.ofNullable(entry.payee()), entry.counterpartyLabel(),
          entry.amount(), entry.description(), ledger.booking(entry.pointer(), Optional.ofNullable(entry.payee())));
      draft.result = Envelopes.wrap("Payment", payment.json());
    } else {
      PaymentBatch batch = ledger.transferBatch(account, draft.entries);
      draft.result = Envelopes.wrap("PaymentBatch", ResourceJson.paymentBatch(batch, state.paymentsOf(account.id)));
    }
    return answer(draft, "ACCEPTED");
  }

  /**
   * Rejects as the owner.
   *
   * @throws ApiError 400 if the draft is not PENDING
   */
  JsonObject reject(DraftPayment draft) {
    checkPending(draft);
    return answer(draft, "REJECTED");
  }

  private JsonObject answer(DraftPayment draft, String status) {
    Instant now = state.now();
    draft.status = status;
    draft.updated = now;
    draft.responses.add(new JsonObject()
        .put("status", status)
        .put("user_alias_created", BunqJson.labelUser(draft.account.owner)));
    JsonObject json = ResourceJson.draftPayment(draft);
    callbacks.notify(draft.account, "DRAFT_PAYMENT", "DRAFT_PAYMENT_" + status, "DraftPayment", draft.id, json);
    log.debug("Draft payment {} is {}", draft.id, status);
    return json;
  }

  private static void checkPending(DraftPayment draft) {
    if (!"PENDING".equals(draft.status)) {
      throw ApiError.badRequest("DraftPayment " + draft.id + " is " + draft.status
          + " and can no longer be changed.");
    }
  }
}
