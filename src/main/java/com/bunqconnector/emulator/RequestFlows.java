package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Ledger.Booking;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to requests for money. A request to Sugar Daddy ({@value #SUGAR_DADDY_EMAIL}) is
 * answered at once: up to {@link #SUGAR_DADDY_LIMIT} it is paid, above it rejected (bunq's docs say
 * only "more is rejected"; the emulator takes that as the request's status, announced by a REQUEST
 * callback, rather than a refusal to create it). A request to an emulated account gives the payer
 * a PENDING RequestResponse to accept or reject; any other counterparty needs {@code allow_bunqme}
 * and waits as a bunq.me request. Emulator context only.
 */
final class RequestFlows {

  /** The sandbox's money tap. */
  static final String SUGAR_DADDY_EMAIL = "sugardaddy@bunq.com";
  /** The largest request Sugar Daddy pays. */
  static final BigDecimal SUGAR_DADDY_LIMIT = new BigDecimal("500.00");
  private static final String SUGAR_DADDY_NAME = "Sugar Daddy";
  /** A fixed, valid bunq IBAN and user uuid for Sugar Daddy, outside the range emulated accounts get. */
  private static final String SUGAR_DADDY_IBAN =
      Iban.forAccountNumber(String.format("%010d", Iban.nextValidAccountNumber(2_025_000_000L)));
  private static final String SUGAR_DADDY_UUID =
      UUID.nameUUIDFromBytes(SUGAR_DADDY_EMAIL.getBytes(StandardCharsets.UTF_8)).toString();
  private static final Logger log = LoggerFactory.getLogger(RequestFlows.class);

  /** A parsed request-inquiry body. */
  record InquirySpec(BigDecimal amount, Pointer counterparty, String description, boolean allowBunqme,
      String merchantReference, Integer minimumAge, String requireAddress, String redirectUrl) {
  }

  private final EmulatorState state;
  private final ResourceStore store;
  private final Ledger ledger;
  private final CallbackSender callbacks;

  RequestFlows(EmulatorState state, ResourceStore store, Ledger ledger, CallbackSender callbacks) {
    this.state = state;
    this.store = store;
    this.ledger = ledger;
    this.callbacks = callbacks;
  }

  /** Creates the inquiry on {@code account} and, for Sugar Daddy, answers it at once. */
  RequestInquiry create(Account account, InquirySpec spec) {
    if (!account.isActive()) {
      throw ApiError.badRequest("Monetary account " + account.id + " is not active.");
    }
    Pointer pointer = spec.counterparty();
    if (pointer.isSugarDaddy()) {
      RequestInquiry inquiry = store(account, spec, sugarDaddyLabel(), null);
      answerAsSugarDaddy(inquiry);
      return inquiry;
    }
    Optional<Account> payer = ledger.resolve(pointer);
    if (payer.isPresent()) {
      if (payer.get() == account) {
        throw ApiError.badRequest("A request to the same monetary account is not possible.");
      }
      if (!payer.get().isActive()) {
        throw ApiError.badRequest("The counterparty's monetary account is not active.");
      }
      RequestInquiry inquiry = store(account, spec, BunqJson.label(payer.get()), null);
      RequestResponse response = new RequestResponse(state.nextId(), inquiry.created, payer.get(), inquiry);
      inquiry.response = response;
      store.addResponse(response);
      Event event = ledger.recordEvent(payer.get(), "RequestResponse", response.id,
          () -> ResourceJson.requestResponse(response),
          () -> "PENDING".equals(response.status));
      response.eventId = event.id();
      notify(payer.get(), "REQUEST_RESPONSE_CREATED", response);
      return inquiry;
    }
    if (!spec.allowBunqme()) {
      throw ApiError.badRequest("The counterparty is not a bunq user: set \"allow_bunqme\" to true to request the"
          + " money through bunq.me.");
    }
    return store(account, spec, ledger.label(pointer, Optional.empty()), "https://bunq.me/t/" + UUID.randomUUID());
  }

  /** Revokes a PENDING inquiry, and the payer's response with it. */
  void revoke(RequestInquiry inquiry) {
    if (!"PENDING".equals(inquiry.status)) {
      throw ApiError.badRequest("RequestInquiry " + inquiry.id + " is " + inquiry.status
          + " and can no longer be revoked.");
    }
    Instant now = state.now();
    inquiry.status = "REVOKED";
    inquiry.updated = now;
    RequestResponse response = inquiry.response;
    if (response != null) {
      response.status = "REVOKED";
      response.updated = now;
      // The event type is a guess: bunq's sources show REQUEST_RESPONSE_CREATED only.
      notify(response.account, "REQUEST_RESPONSE_REVOKED", response);
    }
    log.debug("Revoked request inquiry {}", inquiry.id);
  }

  /**
   * The payer accepts: the money moves (sub_type REQUEST on both sides, MUTATION callbacks only,
   * as bunq's PAYMENT category leaves out paid requests) and both sides become ACCEPTED.
   *
   * The payer's addresses (either may be null) are kept on the request, and both sides show them.
   *
   * @throws ApiError 400 if the response is not PENDING, the amount differs or the money is not there
   */
  void accept(RequestResponse response, BigDecimal amountResponded, JsonObject addressBilling,
      JsonObject addressShipping) {
    checkPending(response);
    RequestInquiry inquiry = response.inquiry;
    BigDecimal amount = amountResponded == null ? inquiry.amountInquired : amountResponded;
    if (amount.compareTo(inquiry.amountInquired) != 0) {
      throw ApiError.badRequest("Field \"amount_responded.value\" must equal the amount requested, "
          + inquiry.amountInquired.toPlainString() + ".");
    }
    ledger.transfer(response.account, Optional.of(inquiry.account), null, amount, inquiry.description,
        Booking.request());
    Instant now = state.now();
    inquiry.addressBilling = addressBilling;
    inquiry.addressShipping = addressShipping;
    response.status = "ACCEPTED";
    response.amountResponded = amount;
    response.timeResponded = now;
    response.updated = now;
    answer(inquiry, "ACCEPTED", amount, now);
  }

  /** The payer rejects: both sides become REJECTED and the requester hears of it. */
  void reject(RequestResponse response) {
    checkPending(response);
    Instant now = state.now();
    response.status = "REJECTED";
    response.timeResponded = now;
    response.updated = now;
    answer(response.inquiry, "REJECTED", null, now);
  }

  private RequestInquiry store(Account account, InquirySpec spec, JsonObject counterpartyLabel, String bunqmeUrl) {
    RequestInquiry inquiry = new RequestInquiry(state.nextId(), state.now(), account, spec.amount(),
        counterpartyLabel, spec.description(), spec.merchantReference(), spec.minimumAge(),
        spec.requireAddress() == null ? "NONE" : spec.requireAddress(), spec.redirectUrl(), bunqmeUrl);
    store.addInquiry(inquiry);
    ledger.recordEvent(account, "RequestInquiry", inquiry.id, () -> ResourceJson.requestInquiry(inquiry),
        () -> false);
    log.debug("Created request inquiry {} on account {}", inquiry.id, account.id);
    return inquiry;
  }

  private void answerAsSugarDaddy(RequestInquiry inquiry) {
    if (inquiry.amountInquired.compareTo(SUGAR_DADDY_LIMIT) > 0) {
      answer(inquiry, "REJECTED", null, state.now());
      return;
    }
    ledger.credit(inquiry.account, inquiry.amountInquired, sugarDaddyLabel(), inquiry.description, Booking.request());
    answer(inquiry, "ACCEPTED", inquiry.amountInquired, state.now());
  }

  /** Settles the inquiry and sends the requester's REQUEST callback (REJECTED's event type is a guess). */
  private void answer(RequestInquiry inquiry, String status, BigDecimal amount, Instant now) {
    inquiry.status = status;
    inquiry.amountResponded = amount;
    inquiry.timeResponded = now;
    inquiry.updated = now;
    callbacks.notify(inquiry.account, "REQUEST", "REQUEST_INQUIRY_" + status, "RequestInquiry", inquiry.id,
        ResourceJson.requestInquiry(inquiry));
    log.debug("Request inquiry {} is {}", inquiry.id, status);
  }

  private void notify(Account payer, String eventType, RequestResponse response) {
    callbacks.notify(payer, "REQUEST", eventType, "RequestResponse", response.id,
        ResourceJson.requestResponse(response));
  }

  private static void checkPending(RequestResponse response) {
    if (!"PENDING".equals(response.status)) {
      throw ApiError.badRequest("RequestResponse " + response.id + " is " + response.status
          + " and can no longer be answered.");
    }
  }

  private static JsonObject sugarDaddyLabel() {
    JsonObject label = BunqJson.externalLabel("IBAN", SUGAR_DADDY_IBAN, SUGAR_DADDY_NAME);
    label.put("is_light", false);
    label.getJsonObject("label_user").put("uuid", SUGAR_DADDY_UUID);
    return label;
  }
}
