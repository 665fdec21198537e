package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import com.bunqconnector.emulator.ResourceModel.Schedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.NavigableMap;

/**
 * Renders request inquiries and responses, payment batches, draft payments, events and failed callbacks as bunq
 * objects, in the field order of bunq's schemas ({@code RequestInquiryRead},
 * {@code RequestResponseRead}, {@code DraftPaymentRead}, {@code EventListing},
 * {@code NotificationFilterFailureListing}), with explicit {@code null}s for absent values.
 */
final class ResourceJson {

  private ResourceJson() {
  }

  /**
   * A RequestInquiry. {@code user_alias_created} and {@code user_alias_revoked} are LabelUser
   * objects, as the current schema and SDKs have them (a 2017 SDK fixture shows a
   * LabelMonetaryAccount there; the newer sources win).
   */
  static JsonObject requestInquiry(RequestInquiry inquiry) {
    Account account = inquiry.account;
    return new JsonObject()
        .put("id", inquiry.id)
        .put("created", time(inquiry.created))
        .put("updated", time(inquiry.updated))
        .put("time_responded", time(inquiry.timeResponded))
        .put("time_expiry", null)
        .put("monetary_account_id", account.id)
        .put("amount_inquired", BunqJson.amount(inquiry.amountInquired))
        .put("amount_responded", amount(inquiry.amountResponded))
        .put("user_alias_created", BunqJson.labelUser(account.owner))
        .put("user_alias_revoked", "REVOKED".equals(inquiry.status) ? BunqJson.labelUser(account.owner) : null)
        .put("counterparty_alias", inquiry.counterpartyLabel.copy())
        .put("description", inquiry.description)
        .put("merchant_reference", inquiry.merchantReference)
        .put("attachment", new JsonArray())
        .put("status", inquiry.status)
        .put("batch_id", null)
        .put("scheduled_id", null)
        .put("minimum_age", inquiry.minimumAge)
        .put("require_address", inquiry.requireAddress)
        .put("bunqme_share_url", inquiry.bunqmeShareUrl)
        .put("redirect_url", inquiry.redirectUrl)
        .put("address_shipping", copy(inquiry.addressShipping))
        .put("address_billing", copy(inquiry.addressBilling))
        .put("geolocation", null)
        .put("reference_split_the_bill", null);
  }

  /** A RequestResponse: the payer's view of an inquiry between two emulated accounts. */
  static JsonObject requestResponse(RequestResponse response) {
    RequestInquiry inquiry = response.inquiry;
    return new JsonObject()
        .put("id", response.id)
        .put("created", time(response.created))
        .put("updated", time(response.updated))
        .put("time_responded", time(response.timeResponded))
        .put("time_expiry", null)
        .put("time_refund_requested", null)
        .put("time_refunded", null)
        .put("user_refund_requested", null)
        .put("monetary_account_id", response.account.id)
        .put("amount_inquired", BunqJson.amount(inquiry.amountInquired))
        .put("amount_responded", amount(response.amountResponded))
        .put("status", response.status)
        .put("description", inquiry.description)
        .put("alias", BunqJson.label(response.account))
        .put("counterparty_alias", BunqJson.label(inquiry.account))
        .put("attachment", new JsonArray())
        .put("minimum_age", inquiry.minimumAge)
        .put("require_address", inquiry.requireAddress)
        .put("geolocation", null)
        .put("type", "INTERNAL")
        .put("sub_type", "NONE")
        .put("redirect_url", inquiry.redirectUrl)
        .put("address_billing", copy(inquiry.addressBilling))
        .put("address_shipping", copy(inquiry.addressShipping))
        .put("credit_scheme_identifier", null)
        .put("mandate_identifier", null)
        .put("registration_action", null)
        .put("eligible_whitelist_id", null)
        .put("request_reference_split_the_bill", new JsonArray())
        .put("event_id", response.eventId)
        .put("monetary_account_preferred_id", response.account.id);
  }

  /** A PaymentBatch as {@code PaymentBatchRead} has it: the payer's Payments of the batch, nothing else. */
  static JsonObject paymentBatch(PaymentBatch batch, NavigableMap<Long, Payment> paymentsOfAccount) {
    JsonArray payments = new JsonArray();
    batch.paymentIds().forEach(id -> payments.add(paymentsOfAccount.get(id).json()));
    return new JsonObject().put("payments", new JsonObject().put("Payment", payments));
  }

  /**
   * A DraftPayment. {@code created} and {@code updated} are not in the current schema but are in
   * bunq's callback fixture; clients need {@code updated} for {@code previous_updated_timestamp}.
   */
  static JsonObject draftPayment(DraftPayment draft) {
    JsonArray entries = new JsonArray();
    draft.entries.forEach(entry -> entries.add(draftEntry(draft.account, entry)));
    boolean allInternal = draft.entries.stream().allMatch(e -> "BUNQ".equals(e.type()));
    return new JsonObject()
        .put("id", draft.id)
        .put("created", time(draft.created))
        .put("updated", time(draft.updated))
        .put("monetary_account_id", draft.account.id)
        .put("user_alias_created", BunqJson.labelUser(draft.account.owner))
        .put("responses", new JsonArray(draft.responses.stream().map(JsonObject::copy).toList()))
        .put("status", draft.status)
        .put("type", allInternal ? "BUNQ" : "EBA_SCT")
        .put("entries", entries)
        .put("object", draft.result == null ? null : draft.result.copy())
        .put("request_reference_split_the_bill", new JsonArray())
        .put("schedule", schedule(draft));
  }

  /** A scheduled draft's Schedule: ACTIVE once accepted (and then for good: nothing runs it), else no status. */
  private static JsonObject schedule(DraftPayment draft) {
    Schedule schedule = draft.schedule;
    if (schedule == null) {
      return null;
    }
    return new JsonObject()
        .put("time_start", Timestamps.format(schedule.start()))
        .put("time_end", time(schedule.end()))
        .put("recurrence_unit", schedule.unit())
        .put("recurrence_size", schedule.size())
        .put("status", "ACCEPTED".equals(draft.status) ? "ACTIVE" : null)
        .put("object", null);
  }

  private static JsonObject draftEntry(Account account, DraftEntry entry) {
    return new JsonObject()
        .put("amount", BunqJson.amount(entry.amount()))
        .put("counterparty_alias", entry.counterpartyLabel().copy())
        .put("description", entry.description())
        .put("merchant_reference", entry.merchantReference())
        .put("attachment", new JsonArray())
        .put("id", entry.id())
        .put("alias", BunqJson.label(account))
        .put("type", entry.type());
  }

  /**
   * An Event. {@code user_id} and {@code monetary_account_id} are strings, as bunq's schema and
   * generated SDKs type them; {@code updated} follows the object's own {@code updated}.
   */
  static JsonObject event(Event event) {
    JsonObject object = event.object().get().copy();
    Object updated = object.getValue("updated");
    return new JsonObject()
        .put("id", event.id())
        .put("created", time(event.created()))
        .put("updated", updated instanceof String text ? text : time(event.created()))
        .put("action", "CREATE")
        .put("user_id", Long.toString(event.userId()))
        .put("monetary_account_id", Long.toString(event.accountId()))
        .put("object", Envelopes.wrap(event.objectType(), object))
        .put("status", event.awaitingReply().getAsBoolean() ? "AWAITING_REPLY" : "FINALIZED");
  }

  /**
   * A NotificationFilterFailure: the schema's fields plus {@code id}, {@code created} and
   * {@code updated}, without which a client could not name failures to retry.
   */
  static JsonObject failure(FailedCallback failure) {
    return new JsonObject()
        .put("id", failure.id())
        .put("created", time(failure.created()))
        .put("updated", time(failure.updated()))
        .put("notification_filters", new JsonArray().add(new JsonObject()
            .put("notification_delivery_method", "URL")
            .put("notification_target", failure.target())
            .put("category", failure.category())))
        .put("category", failure.category())
        .put("event_type", failure.eventType())
        .put("object_id", failure.objectId())
        .put("exception_message", failure.exceptionMessage())
        .put("response_code", failure.responseCode())
        .put("notification_target", failure.target());
  }

  private static JsonObject copy(JsonObject json) {
    return json == null ? null : json.copy();
  }

  private static String time(Instant instant) {
    return instant == null ? null : Timestamps.format(instant);
  }

  private static JsonObject amount(BigDecimal value) {
    return value == null ? null : BunqJson.amount(value);
  }
}
