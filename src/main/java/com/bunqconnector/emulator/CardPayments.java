package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Ledger.Booking;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Card payments at a merchant, as the card network would bring them in: each becomes a
 * MasterCardAction on a card of the account's owner that pays from the account ({@link Cards}). An
 * allowed one debits the account with a Payment of type MASTERCARD (MUTATION {@code MUTATION_CREATED})
 * and sends CARD_TRANSACTION_SUCCESSFUL;
 * a declined one moves nothing and sends CARD_TRANSACTION_FAILED. No source shows the event types of
 * these callbacks; the emulator uses the category names. Emulator context only.
 */
final class CardPayments {

  /** The merchant category code the emulated merchants carry (grocery stores, as in bunq's example). */
  static final String MERCHANT_CATEGORY_CODE = "5411";
  private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Logger log = LoggerFactory.getLogger(CardPayments.class);

  /**
   * A card payment to simulate; {@link #of} checks it. {@code cardId} names the card paid with;
   * {@code null} takes the card that pays from the account.
   */
  record CardPayment(long accountId, Long cardId, BigDecimal amount, String merchantName, String country,
      boolean declined) {

    /**
     * A checked card payment.
     *
     * @throws ApiError 400 naming the field ({@code amount}, {@code merchant_name}, {@code country})
     */
    static CardPayment of(long accountId, Long cardId, String amount, String merchantName, String country,
        boolean declined) {
      if (amount == null || !AMOUNT.matcher(amount).matches() || new BigDecimal(amount).signum() <= 0) {
        throw ApiError.badRequest(
            "Field \"amount\" must be a positive amount with at most two decimals, as a string.");
      }
      if (merchantName == null || merchantName.isBlank() || merchantName.length() > 100) {
        throw ApiError.badRequest("Field \"merchant_name\" must hold 1 to 100 characters.");
      }
      if (country == null || !COUNTRY.matcher(country).matches()) {
        throw ApiError.badRequest("Field \"country\" must be an ISO 3166-1 alpha-2 code such as \"NL\".");
      }
      return new CardPayment(accountId, cardId, new BigDecimal(amount).setScale(2), merchantName, country,
          declined);
    }
  }

  private final EmulatorState state;
  private final ResourceStore store;
  private final Ledger ledger;
  private final CallbackSender callbacks;
  private final Cards cards;

  CardPayments(EmulatorState state, ResourceStore store, Ledger ledger, CallbackSender callbacks, Cards cards) {
    this.state = state;
    this.store = store;
    this.ledger = ledger;
    this.callbacks = callbacks;
    this.cards = cards;
  }

  /**
   * Runs the card payment with the card it names, or else the one that pays from the account (made
   * when there is none, see {@link Cards#emulatedCard}). It is declined as CARD_NOT_ACTIVE when the
   * card is not ACTIVE, as COUNTRY_NOT_PERMITTED when {@code declined} is set, and as
   * INSUFFICIENT_BALANCE when the money is not there (CARD_NOT_ACTIVE and INSUFFICIENT_BALANCE are
   * decision values guessed, not documented).
   *
   * @return the MasterCardAction as the GET endpoints render it
   * @throws ApiError 404 for an unknown account, 400 for one that is not active or a card that is
   *     not the owner's or does not pay from the account
   */
  JsonObject simulate(CardPayment payment) {
    Account account = state.account(payment.accountId())
        .orElseThrow(() -> ApiError.notFound("Monetary account for id \"" + payment.accountId() + "\" not found."));
    if (!account.isActive()) {
      throw ApiError.badRequest("Monetary account " + account.id + " is not active.");
    }
    Card card = card(account, payment.cardId());
    String decision = !"ACTIVE".equals(card.status) ? "CARD_NOT_ACTIVE"
        : payment.declined() ? "COUNTRY_NOT_PERMITTED"
        : account.balance.compareTo(payment.amount()) < 0 ? "INSUFFICIENT_BALANCE" : "ALLOWED";
    boolean allowed = "ALLOWED".equals(decision);
    String description = payment.merchantName() + ", " + payment.country();
    JsonObject merchant = merchantLabel(payment);
    if (allowed) {
      ledger.transfer(account, Optional.empty(), merchant, payment.amount(), description,
          new Booking("MASTERCARD", "PAYMENT", false, false));
    }
    long id = state.nextId();
    JsonObject json = masterCardAction(id, state.now(), account, card, payment, decision, description, merchant);
    CardAction action = new CardAction(id, account.id, json);
    store.addCardAction(action);
    ledger.recordEvent(account, "MasterCardAction", id, action::json, () -> false);
    String category = allowed ? "CARD_TRANSACTION_SUCCESSFUL" : "CARD_TRANSACTION_FAILED";
    callbacks.notify(account, category, category, "MasterCardAction", id, json);
    log.debug("Card payment {} on account {}: {}", id, account.id, decision);
    return json.copy();
  }

  private Card card(Account account, Long cardId) {
    if (cardId == null) {
      return store.cardPayingFrom(account).orElseGet(() -> cards.emulatedCard(account));
    }
    Card card = store.card(account.owner.id(), cardId)
        .orElseThrow(() -> ApiError.badRequest("Field \"card_id\" names no card of the account's owner."));
    if (!card.paysFrom(account.id)) {
      throw ApiError.badRequest("Card " + card.id + " does not pay from monetary account " + account.id + ".");
    }
    return card;
  }

  private static JsonObject merchantLabel(CardPayment payment) {
    JsonObject label = BunqJson.externalLabel("MERCHANT", payment.merchantName(), payment.merchantName());
    label.put("country", payment.country()).put("merchant_category_code", MERCHANT_CATEGORY_CODE);
    label.getJsonObject("label_user").put("country", payment.country());
    return label;
  }

  /**
   * The MasterCardAction in {@code MasterCardActionRead} order, with {@code created} and
   * {@code updated} after the id as in bunq's fixture. Statuses beyond that fixture are plausible
   * values for an authorised, settled card payment, not documented ones.
   */
  private static JsonObject masterCardAction(long id, Instant now, Account account, Card card, CardPayment payment,
      String decision, String description, JsonObject merchant) {
    boolean allowed = "ALLOWED".equals(decision);
    String time = Timestamps.format(now);
    String explanation = switch (decision) {
      case "ALLOWED" -> "";
      case "INSUFFICIENT_BALANCE" -> "The card payment was declined: the account's balance is too low.";
      case "CARD_NOT_ACTIVE" -> "The card payment was declined: the card is not active.";
      default -> "The card payment was declined: the card settings do not allow payments in this country.";
    };
    JsonObject amount = BunqJson.amount(payment.amount());
    return new JsonObject()
        .put("id", id)
        .put("created", time)
        .put("updated", time)
        .put("monetary_account_id", account.id)
        .put("card_id", card.id)
        .put("amount_local", amount.copy())
        .put("amount_converted", amount.copy())
        .put("amount_billing", amount.copy())
        .put("amount_original_local", amount.copy())
        .put("amount_original_billing", amount.copy())
        .put("amount_fee", BunqJson.amount(BigDecimal.ZERO.setScale(2)))
        .put("card_authorisation_id_response", allowed ? String.format("%06d", id % 1_000_000) : null)
        .put("decision", decision)
        .put("payment_status", allowed ? "PAYMENT_SUCCESSFUL" : null)
        .put("decision_description", explanation)
        .put("decision_description_translated", explanation)
        .put("decision_together_url", null)
        .put("description", description)
        .put("authorisation_status", allowed ? "AUTHORISED" : "BLOCKED")
        .put("authorisation_type", "NORMAL_AUTHORISATION")
        .put("pan_entry_mode_user", "ICC")
        .put("settlement_status", allowed ? "SETTLED" : null)
        .put("clearing_status", allowed ? "FIRST_PRESENTMENT_COMPLETE" : null)
        .put("maturity_date", time.substring(0, 10))
        .put("city", null)
        .put("alias", BunqJson.label(account))
        .put("counterparty_alias", merchant.copy())
        .put("label_card", new JsonObject()
            .put("uuid", card.publicUuid)
            .put("type", card.type)
            .put("second_line", card.secondLine)
            .put("expiry_date", card.expiryDate)
            .put("status", card.status)
            .put("label_user", BunqJson.labelUser(account.owner)))
        .put("merchant_id", "EMU" + Integer.toUnsignedString(payment.merchantName().hashCode()))
        .put("token_status", null)
        .put("reservation_expiry_time", null)
        .put("clearing_expiry_time", null)
        .put("applied_limit", null)
        .put("secure_code_id", null)
        .put("wallet_provider_id", null)
        .put("request_reference_split_the_bill", new JsonArray())
        .put("card_tokenization_event", null)
        .put("all_mastercard_action_refund", new JsonArray())
        .put("pos_card_presence", "CARD_PRESENT")
        .put("pos_card_holder_presence", "CARD_HOLDER_PRESENT")
        .put("eligible_whitelist_id", null)
        .put("cashback_payout_item", null)
        .put("point_mutation", null)
        .put("blacklist", null)
        .put("blocklist", null)
        .put("additional_authentication_status", null)
        .put("pin_status", null)
        .put("mastercard_action_report", null)
        .put("merchant_category_code", MERCHANT_CATEGORY_CODE)
        .put("company_employee_card_receipt", null);
  }
}
