package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The emulator's money-moving resources beyond payments: request inquiries and their responses,
 * draft payments, cards and card actions, the event feed and failed callbacks. Mutable ones are touched
 * only on the emulator's context.
 */
final class ResourceModel {

  private ResourceModel() {
  }

  /** A Pointer as a client sends it: {@code type} is IBAN, EMAIL or PHONE_NUMBER. */
  record Pointer(String type, String value, String name) {

    boolean isSugarDaddy() {
      return "EMAIL".equals(type) && RequestFlows.SUGAR_DADDY_EMAIL.equalsIgnoreCase(value);
    }
  }

  /** A RequestInquiry: the requesting side of a request for money. */
  static final class RequestInquiry {
    final long id;
    final Instant created;
    final Account account;
    final BigDecimal amountInquired;
    final JsonObject counterpartyLabel;
    final String description;
    final String merchantReference;
    final Integer minimumAge;
    final String requireAddress;
    final String redirectUrl;
    final String bunqmeShareUrl;
    Instant updated;
    Instant timeResponded;
    BigDecimal amountResponded;
    /** The addresses the payer gave on accepting, as bunq's Address objects; null when none. */
    JsonObject addressBilling;
    JsonObject addressShipping;
    /** PENDING, ACCEPTED, REJECTED or REVOKED. */
    String status = "PENDING";
    /** The payer's side when the counterparty is an emulated account. */
    RequestResponse response;

    RequestInquiry(long id, Instant created, Account account, BigDecimal amountInquired, JsonObject counterpartyLabel,
        String description, String merchantReference, Integer minimumAge, String requireAddress, String redirectUrl,
        String bunqmeShareUrl) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.account = account;
      this.amountInquired = amountInquired;
      this.counterpartyLabel = counterpartyLabel;
      this.description = description;
      this.merchantReference = merchantReference;
      this.minimumAge = minimumAge;
      this.requireAddress = requireAddress;
      this.redirectUrl = redirectUrl;
      this.bunqmeShareUrl = bunqmeShareUrl;
    }
  }

  /** A RequestResponse: what the emulated payer of a RequestInquiry sees and answers. */
  static final class RequestResponse {
    final long id;
    final Instant created;
    /** The payer's account. */
    final Account account;
    final RequestInquiry inquiry;
    Instant updated;
    Instant timeResponded;
    BigDecimal amountResponded;
    /** PENDING, ACCEPTED, REJECTED or REVOKED. */
    String status = "PENDING";
    long eventId;

    RequestResponse(long id, Instant created, Account account, RequestInquiry inquiry) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.account = account;
      this.inquiry = inquiry;
    }
  }

  /**
   * One entry of a DraftPayment; {@code payee} is the emulated account the pointer named when the
   * draft was made, {@code null} for a counterparty outside the emulated bank.
   */
  record DraftEntry(long id, BigDecimal amount, Pointer pointer, Account payee, JsonObject counterpartyLabel,
      String description, String merchantReference, String type) {
  }

  /**
   * A PaymentBatch: payments booked together out of one account, named by their ids (the payer's
   * Payments, each carrying {@code batch_id}).
   */
  record PaymentBatch(long id, long accountId, List<Long> paymentIds) {

    PaymentBatch {
      paymentIds = List.copyOf(paymentIds);
    }
  }

  /**
   * The schedule of a scheduled draft payment as the client gave it: from {@code start}, every
   * {@code size} {@code unit}s (ONCE, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY), until {@code end}
   * ({@code null}: no end).
   */
  record Schedule(Instant start, Instant end, String unit, int size) {
  }

  /** A DraftPayment: payments prepared through the API that the account owner accepts or rejects. */
  static final class DraftPayment {
    final long id;
    final Instant created;
    final Account account;
    Instant updated;
    List<DraftEntry> entries;
    /** PENDING, ACCEPTED, REJECTED or CANCELLED. */
    String status = "PENDING";
    /** The owner's answers, as DraftPaymentResponse objects. */
    final List<JsonObject> responses = new ArrayList<>();
    /** {@code {"Payment":{...}}} or {@code {"PaymentBatch":{...}}} once accepted (never for a scheduled one). */
    JsonObject result;
    /** The schedule of a scheduled draft; {@code null} for one paid on acceptance. */
    Schedule schedule;

    DraftPayment(long id, Instant created, Account account, List<DraftEntry> entries) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.account = account;
      this.entries = List.copyOf(entries);
    }
  }

  /**
   * A PIN of a card ({@code type} PRIMARY, SECONDARY or TERTIARY) and the monetary account it pays
   * from; {@code routingType} is MANUAL or AUTOMATIC. The PIN itself is not kept.
   */
  record PinAssignment(String type, String routingType, long accountId) {
  }

  /**
   * A debit card of a user: one ordered through {@code card-debit}, or the card the emulator makes
   * for an account's first simulated card payment when no card of the owner pays from it. Card
   * payments are made with it (a MasterCardAction's {@code card_id} and {@code label_card}); its
   * status, limits, PIN assignments, fallback account and lines change through {@code PUT card}.
   */
  static final class Card {
    final long id;
    final Instant created;
    final String publicUuid;
    final User owner;
    /** MASTERCARD or MAESTRO. */
    final String type;
    final String productType;
    final String nameOnCard;
    /** The last day of the month the card expires in, {@code yyyy-MM-dd}. */
    final String expiryDate;
    /** The id of its primary account number (PAN) and that number's last four digits. */
    final long panId;
    final String fourDigit;
    /** The account the card was ordered on. */
    final long orderedAccountId;
    Instant updated;
    String secondLine;
    String preferredNameOnCard;
    /** ACTIVE, DEACTIVATED, LOST, STOLEN, CANCELLED, EXPIRED or PIN_TRIES_EXCEEDED. */
    String status;
    String orderStatus;
    /** The PIN assignments, one of them PRIMARY. */
    List<PinAssignment> pins;
    Long fallbackAccountId;
    BigDecimal limit;
    BigDecimal limitAtm;

    Card(long id, Instant created, String publicUuid, User owner, String type, String productType, String nameOnCard,
        String expiryDate, long panId, String fourDigit, long orderedAccountId) {
      this.id = id;
      this.created = created;
      this.updated = created;
      this.publicUuid = publicUuid;
      this.owner = owner;
      this.type = type;
      this.productType = productType;
      this.nameOnCard = nameOnCard;
      this.expiryDate = expiryDate;
      this.panId = panId;
      this.fourDigit = fourDigit;
      this.orderedAccountId = orderedAccountId;
    }

    /** The account the PRIMARY PIN pays from. */
    long primaryAccountId() {
      return pins.stream().filter(p -> "PRIMARY".equals(p.type())).findFirst()
          .map(PinAssignment::accountId).orElse(orderedAccountId);
    }

    /** Whether one of its PINs pays from the account. */
    boolean paysFrom(long accountId) {
      return pins.stream().anyMatch(p -> p.accountId() == accountId);
    }
  }

  /** A MasterCardAction as the GET endpoints render it; {@code json} is frozen at creation. */
  record CardAction(long id, long accountId, JsonObject json) {
  }

  /**
   * An entry of the user's event feed. The object and the status are read when the event is
   * rendered, so an event shows its object as it is now (a request that was accepted, a draft
   * that was answered); {@code objectType} and {@code objectId} name that object.
   */
  record Event(long id, Instant created, long userId, long accountId, String objectType, long objectId,
      Supplier<JsonObject> object, BooleanSupplier awaitingReply) {
  }

  /**
   * A callback delivery that failed for good: where it went, what it said and why it failed, and
   * the exact body, for a retry through {@code notification-filter-failure}.
   */
  record FailedCallback(long id, Instant created, Instant updated, long userId, String target, String category,
      String eventType, long objectId, String exceptionMessage, Integer responseCode, Buffer body) {
  }
}
