package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Books money movements: every balance change of an emulated account goes through here, becomes a
 * Payment on that account (with {@code balance_after_mutation}), an entry in the owner's event
 * feed and MUTATION (and, where bunq sends them, PAYMENT) callbacks. Emulator context only.
 *
 * <p>Limits: a payer may not go below its {@code overdraft_limit} (always 0.00 here, so never below
 * zero). With {@link EmulatorOptions#isEnforceDailyLimits()} on, its outgoing payments of the day
 * (Amsterdam time, bunq being a Dutch bank) may also not add up to more than its {@code daily_limit}.
 * bunq documents both limits but not its texts for them, nor which payments count: the emulator
 * counts every outgoing payment of the account, transfers to the owner's other accounts and card
 * payments included, and names the limit and what is left of it in its own text.
 */
final class Ledger {

  /**
   * How a movement is booked: the payer's {@code type} and both sides' {@code sub_type}, whether
   * PAYMENT callbacks go out besides MUTATION ones (bunq sends none for paid requests), and whether
   * each Payment gets its own event (a card payment is shown through its MasterCardAction).
   */
  record Booking(String type, String subType, boolean paymentCallbacks, boolean ownEvents, JsonObject payerFields) {

    Booking(String type, String subType, boolean paymentCallbacks, boolean ownEvents) {
      this(type, subType, paymentCallbacks, ownEvents, new JsonObject());
    }

    /** This booking with {@code field} set to {@code value} on the payer's Payment (as {@code batch_id}). */
    Booking with(String field, Object value) {
      return new Booking(type, subType, paymentCallbacks, ownEvents, payerFields.copy().put(field, value));
    }

    static Booking payment(String type) {
      return new Booking(type, "PAYMENT", true, true);
    }

    static Booking request() {
      return new Booking("BUNQ", "REQUEST", false, true);
    }
  }

  /** How long a bunq.to payment waits to be claimed; bunq documents no period, so this is a guess. */
  static final Duration BUNQTO_VALIDITY = Duration.ofDays(14);
  private static final Logger log = LoggerFactory.getLogger(Ledger.class);
  /** The zone whose midnight starts a new day for {@code daily_limit}. */
  private static final ZoneId BANK_ZONE = ZoneId.of("Europe/Amsterdam");

  private final EmulatorState state;
  private final ResourceStore store;
  private final CallbackSender callbacks;
  private final boolean enforceDailyLimits;

  Ledger(EmulatorState state, ResourceStore store, CallbackSender callbacks, boolean enforceDailyLimits) {
    this.state = state;
    this.store = store;
    this.callbacks = callbacks;
    this.enforceDailyLimits = enforceDailyLimits;
  }

  /**
   * The emulated account a pointer names: the account with that IBAN, or the primary active
   * account of the user with that EMAIL or PHONE_NUMBER alias; empty for anyone else.
   */
  Optional<Account> resolve(Pointer pointer) {
    if ("IBAN".equals(pointer.type())) {
      return state.accountByIban(pointer.value());
    }
    return state.userByAlias(pointer.type(), pointer.value()).flatMap(state::primaryAccountOf);
  }

  /**
   * Whether paying {@code pointer} is a bunq.to payment: to an e-mail address or phone number that no
   * emulated user has (nor bunq's sandbox Sugar Daddy, a bunq user).
   */
  static boolean isBunqTo(Pointer pointer, Optional<Account> payee) {
    return payee.isEmpty() && !"IBAN".equals(pointer.type()) && !pointer.isSugarDaddy();
  }

  /**
   * How a payment to {@code pointer} is booked. A bunq.to payment takes the money from the payer at
   * once and shows {@code bunqto_status} PENDING, {@code bunqto_sub_status} NONE, a
   * {@code bunqto_share_url} and a {@code bunqto_expiry} {@link #BUNQTO_VALIDITY} ahead (those values
   * are guesses: bunq documents none). The emulator never lets anyone claim it, nor expires or
   * refunds it: the money stays held and the status PENDING.
   */
  Booking booking(Pointer pointer, Optional<Account> payee) {
    Booking booking = Booking.payment(PaymentRoutes.type(pointer, payee));
    if (!isBunqTo(pointer, payee)) {
      return booking;
    }
    return booking.with("bunqto_status", "PENDING").with("bunqto_sub_status", "NONE")
        .with("bunqto_share_url", "https://bunq.to/p/" + UUID.randomUUID())
        .with("bunqto_expiry", Timestamps.format(state.now().plus(BUNQTO_VALIDITY)));
  }

  /** The label a pointer shows as counterparty: the emulated account's own, or one built from the pointer. */
  JsonObject label(Pointer pointer, Optional<Account> account) {
    return account.map(BunqJson::label)
        .orElseGet(() -> BunqJson.externalLabel(pointer.type(), pointer.value(), pointer.name()));
  }

  /**
   * Fails with a 400 unless {@code payer} is active, can pay {@code amount} within its limits and
   * {@code payee} (if any) is another active account.
   */
  void checkTransfer(Account payer, Optional<Account> payee, BigDecimal amount) {
    checkParties(payer, payee);
    checkFunds(payer, amount);
  }

  /** Fails with a 400 unless {@code payer} is active and {@code payee} (if any) is another active account. */
  static void checkParties(Account payer, Optional<Account> payee) {
    if (!payer.isActive()) {
      throw ApiError.badRequest("Monetary account " + payer.id + " is not active.");
    }
    if (payee.isPresent() && payee.get() == payer) {
      throw ApiError.badRequest("A payment to the same monetary account is not possible.");
    }
    if (payee.isPresent() && !payee.get().isActive()) {
      throw ApiError.badRequest("The counterparty's monetary account is not active.");
    }
  }

  /**
   * Fails with a 400 when paying {@code total} out of {@code payer} would take it below its overdraft
   * limit or, when daily limits are enforced, beyond what is left of its daily limit today.
   */
  void checkFunds(Account payer, BigDecimal total) {
    if (payer.balance.add(Account.OVERDRAFT_LIMIT).compareTo(total) < 0) {
      throw ApiError.badRequest("The balance of the monetary account is insufficient for this payment.");
    }
    if (!enforceDailyLimits) {
      return;
    }
    BigDecimal left = payer.dailyLimit.subtract(spentToday(payer)).max(BigDecimal.ZERO);
    if (left.compareTo(total) < 0) {
      throw ApiError.badRequest("This payment exceeds the daily limit of monetary account " + payer.id + ": "
          + eur(left) + " of " + eur(payer.dailyLimit) + " EUR is left today.");
    }
  }

  private static String eur(BigDecimal value) {
    return value.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
  }

  /** What went out of the account since midnight in Amsterdam: its outgoing payments of today, summed. */
  private BigDecimal spentToday(Account account) {
    Instant now = state.now();
    // bunq's timestamps are fixed-width UTC, so they sort as the instants they name.
    String midnight = Timestamps.format(now.atZone(BANK_ZONE).toLocalDate().atStartOfDay(BANK_ZONE).toInstant());
    BigDecimal spent = BigDecimal.ZERO;
    for (Payment payment : state.paymentsOf(account.id).descendingMap().values()) {
      if (payment.json().getString("created").compareTo(midnight) < 0) {
        break;
      }
      BigDecimal value = new BigDecimal(payment.json().getJsonObject("amount").getString("value"));
      if (value.signum() < 0) {
        spent = spent.subtract(value);
      }
    }
    return spent;
  }

  /**
   * Moves {@code amount} from {@code payer} to {@code payee}, or out of the emulated bank to the
   * party {@code externalLabel} describes; returns the payer's Payment. The payee's mirror Payment
   * is always of type BUNQ.
   *
   * @throws ApiError 400 when {@link #checkTransfer} refuses
   */
  Payment transfer(Account payer, Optional<Account> payee, JsonObject externalLabel, BigDecimal amount,
      String description, Booking booking) {
    checkTransfer(payer, payee, amount);
    Instant now = state.now();
    JsonObject counterpartyLabel = payee.map(BunqJson::label).orElse(externalLabel);
    Payment outgoing = book(payer, amount.negate(), counterpartyLabel, description, booking.type(), booking,
        booking.payerFields(), now);
    notifyBooked(payer, outgoing, "MUTATION_CREATED", "PAYMENT_CREATED", booking);
    payee.ifPresent(target -> {
      Payment incoming = book(target, amount, BunqJson.label(payer), description, "BUNQ", booking, null, now);
      notifyBooked(target, incoming, "MUTATION_RECEIVED", "PAYMENT_RECEIVED", booking);
    });
    return outgoing;
  }

  /**
   * Books {@code entries} out of {@code payer} as one PaymentBatch: every payer's Payment carries the
   * batch's {@code batch_id}. All entries are checked first, their sum against the payer's funds, so
   * either every entry is booked or none.
   *
   * @throws ApiError 400 when a party is not active or the payer cannot pay the sum
   */
  PaymentBatch transferBatch(Account payer, List<DraftEntry> entries) {
    BigDecimal total = BigDecimal.ZERO;
    for (DraftEntry entry : entries) {
      checkParties(payer, Optional.ofNullable(entry.payee()));
      total = total.add(entry.amount());
    }
    checkFunds(payer, total);
    long batchId = state.nextId();
    List<Long> paymentIds = new ArrayList<>();
    for (DraftEntry entry : entries) {
      paymentIds.add(transfer(payer, Optional.ofNullable(entry.payee()), entry.counterpartyLabel(), entry.amount(),
          entry.description(), booking(entry.pointer(), Optional.ofNullable(entry.payee())).with("batch_id", batchId))
          .id());
    }
    PaymentBatch batch = new PaymentBatch(batchId, payer.id, paymentIds);
    store.addBatch(batch);
    log.debug("Booked payment batch {} of {} payments on account {}", batchId, paymentIds.size(), payer.id);
    return batch;
  }

  /** Credits {@code account} with money from outside the emulated bank; returns the incoming Payment. */
  Payment credit(Account account, BigDecimal amount, JsonObject counterpartyLabel, String description,
      Booking booking) {
    Payment incoming = book(account, amount, counterpartyLabel, description, booking.type(), booking, null,
        state.now());
    notifyBooked(account, incoming, "MUTATION_RECEIVED", "PAYMENT_RECEIVED", booking);
    return incoming;
  }

  /** Adds an event to the feed of the account's owner. */
  Event recordEvent(Account account, String objectType, long objectId, Supplier<JsonObject> object,
      BooleanSupplier awaitingReply) {
    Event event = new Event(state.nextId(), state.now(), account.owner.id(), account.id, objectType, objectId,
        object, awaitingReply);
    store.addEvent(event);
    return event;
  }

  private Payment book(Account account, BigDecimal signedAmount, JsonObject counterpartyLabel, String description,
      String type, Booking booking, JsonObject fields, Instant now) {
    account.balance = account.balance.add(signedAmount);
    account.updated = now;
    long id = state.nextId();
    JsonObject json = BunqJson.payment(id, now, account.id, signedAmount, BunqJson.label(account), counterpartyLabel,
        description, type, booking.subType(), account.balance);
    if (fields != null) {
      json.mergeIn(fields);
    }
    Payment payment = new Payment(id, account.id, json);
    state.addPayment(payment);
    if (booking.ownEvents()) {
      recordEvent(account, "Payment", payment.id(), payment::json, () -> false);
    }
    log.debug("Booked payment {} ({} {}) on account {}", id, type, booking.subType(), account.id);
    return payment;
  }

  private void notifyBooked(Account account, Payment payment, String mutationEvent, String paymentEvent,
      Booking booking) {
    callbacks.notify(account, "MUTATION", mutationEvent, "Payment", payment.id(), payment.json());
    if (booking.paymentCallbacks()) {
      callbacks.notify(account, "PAYMENT", paymentEvent, "Payment", payment.id(), payment.json());
    }
  }
}
