package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * Renders the emulator's entities as bunq objects, field for field in the order of bunq's
 * current schema ({@code UserPersonRead}, {@code MonetaryAccountBankRead}, {@code PaymentRead}).
 * Absent values are explicit {@code null}s, as bunq sends them.
 */
final class BunqJson {

  static final String CURRENCY = "EUR";
  static final String COUNTRY = "NL";

  private BunqJson() {
  }

  static JsonObject amount(BigDecimal value) {
    return new JsonObject()
        .put("currency", CURRENCY)
        .put("value", value.setScale(2, RoundingMode.UNNECESSARY).toPlainString());
  }

  static JsonObject pointer(String type, String value, String name) {
    return new JsonObject().put("type", type).put("value", value).put("name", name);
  }

  static JsonObject userPerson(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("created", Timestamps.format(user.created()))
        .put("updated", Timestamps.format(user.created()))
        .put("public_uuid", user.publicUuid())
        .put("first_name", user.firstName())
        .put("middle_name", "")
        .put("last_name", user.lastName())
        .put("legal_name", user.displayName())
        .put("display_name", user.displayName())
        .put("public_nick_name", user.firstName())
        .put("alias", new JsonArray()
            .add(pointer("PHONE_NUMBER", user.phone(), user.phone()))
            .add(pointer("EMAIL", user.email(), user.email())))
        .put("tax_resident", new JsonArray())
        .put("address_main", address())
        .put("address_postal", address())
        .put("address_shipping", null)
        .put("date_of_birth", "1990-01-01")
        .put("place_of_birth", "Amsterdam")
        .put("country_of_birth", COUNTRY)
        .put("nationality", COUNTRY)
        .put("all_nationality", new JsonArray().add(COUNTRY))
        .put("language", "en_US")
        .put("region", "nl_NL")
        .put("gender", "UNKNOWN")
        .put("avatar", null)
        .put("version_terms_of_service", "1.0")
        .put("status", "ACTIVE")
        .put("sub_status", "NONE")
        .put("session_timeout", user.sessionTimeoutSeconds())
        .put("daily_limit_without_confirmation_login", amount(new BigDecimal("250.00")))
        .put("notification_filters", new JsonArray())
        .put("relations", new JsonArray());
  }

  static JsonObject monetaryAccountBank(Account account) {
    User owner = account.owner;
    return new JsonObject()
        .put("id", account.id)
        .put("created", Timestamps.format(account.created))
        .put("updated", Timestamps.format(account.updated))
        .put("avatar", null)
        .put("currency", CURRENCY)
        .put("description", account.description)
        .put("daily_limit", amount(account.dailyLimit))
        .put("overdraft_limit", amount(Account.OVERDRAFT_LIMIT))
        .put("balance", amount(account.balance))
        .put("alias", new JsonArray()
            .add(pointer("IBAN", account.iban, owner.displayName()))
            .add(pointer("EMAIL", owner.email(), owner.email())))
        .put("public_uuid", account.publicUuid)
        .put("status", account.status)
        .put("sub_status", account.subStatus)
        .put("reason", account.reason)
        .put("reason_description", account.reasonDescription)
        .put("user_id", owner.id())
        .put("monetary_account_profile", null)
        .put("display_name", owner.displayName())
        .put("setting", account.setting.copy())
        .put("all_auto_save_id", new JsonArray());
  }

  /** The LabelMonetaryAccount of an emulated account. */
  static JsonObject label(Account account) {
    User owner = account.owner;
    return new JsonObject()
        .put("iban", account.iban)
        .put("is_light", false)
        .put("display_name", owner.displayName())
        .put("avatar", null)
        .put("label_user", labelUser(owner))
        .put("country", COUNTRY);
  }

  /** The LabelUser of an emulated user. */
  static JsonObject labelUser(User user) {
    return new JsonObject()
        .put("uuid", user.publicUuid())
        .put("display_name", user.displayName())
        .put("country", COUNTRY)
        .put("avatar", null)
        .put("public_nick_name", user.firstName());
  }

  /** The LabelMonetaryAccount of a party outside the emulated bank, built from the request's pointer. */
  static JsonObject externalLabel(String type, String value, String name) {
    String shown = name == null || name.isBlank() ? value : name;
    return new JsonObject()
        .put("iban", "IBAN".equals(type) ? value : null)
        .put("is_light", null)
        .put("display_name", shown)
        .put("avatar", null)
        .put("label_user", new JsonObject()
            .put("uuid", null)
            .put("display_name", shown)
            .put("country", COUNTRY)
            .put("avatar", null)
            .put("public_nick_name", shown))
        .put("country", COUNTRY);
  }

  /** One side of a payment; {@code amount} is negative for the payer and positive for the payee. */
  static JsonObject payment(long id, Instant created, long accountId, BigDecimal amount, JsonObject alias,
      JsonObject counterparty, String description, String type, BigDecimal balanceAfter) {
    return payment(id, created, accountId, amount, alias, counterparty, description, type, "PAYMENT", balanceAfter);
  }

  /** As above with an explicit {@code sub_type} (REQUEST for a paid request, PAYMENT otherwise). */
  static JsonObject payment(long id, Instant created, long accountId, BigDecimal amount, JsonObject alias,
      JsonObject counterparty, String description, String type, String subType, BigDecimal balanceAfter) {
    String time = Timestamps.format(created);
    return new JsonObject()
        .put("id", id)
        .put("created", time)
        .put("updated", time)
        .put("monetary_account_id", accountId)
        .put("amount", amount(amount))
        .put("alias", alias)
        .put("counterparty_alias", counterparty)
        .put("description", description)
        .put("type", type)
        .put("sub_type", subType)
        .put("maturity_date", time.substring(0, 10))
        .put("payment_arrival_expected", null)
        .put("bunqto_status", null)
        .put("bunqto_sub_status", null)
        .put("bunqto_share_url", null)
        .put("bunqto_expiry", null)
        .put("bunqto_time_responded", null)
        .put("attachment", new JsonArray())
        .put("merchant_reference", null)
        .put("batch_id", null)
        .put("scheduled_id", null)
        .put("address_shipping", null)
        .put("address_billing", null)
        .put("geolocation", null)
        .put("conversation", null)
        .put("allow_chat", true)
        .put("request_reference_split_the_bill", new JsonArray())
        .put("balance_after_mutation", amount(balanceAfter))
        .put("payment_auto_allocate_instance", null)
        .put("payment_suspended_outgoing", null)
        .put("payment_fee", null);
  }

  static JsonObject filter(Filter filter) {
    String time = Timestamps.format(filter.created());
    return new JsonObject()
        .put("id", filter.id())
        .put("created", time)
        .put("updated", time)
        .put("category", filter.category())
        .put("notification_target", filter.target());
  }

  static JsonObject address() {
    return new JsonObject()
        .put("street", "Naritaweg")
        .put("house_number", "131")
        .put("po_box", null)
        .put("postal_code", "1043 BS")
        .put("city", "Amsterdam")
        .put("country", COUNTRY)
        .put("province", null);
  }
}
