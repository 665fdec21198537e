package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Renders users as bunq's user wrappers: {@code UserPerson} (see {@link BunqJson#userPerson}),
 * {@code UserCompany} and {@code UserPaymentServiceProvider} field for field in the order of
 * bunq's schema, and the {@code UserApiKey} of an OAuth session.
 */
final class UserJson {

  private UserJson() {
  }

  /** The wrapper a session-server response, {@code GET /user} and {@code GET /user/{id}} show for the session. */
  static JsonObject sessionUser(Session session) {
    return session.grant() == null ? wrap(session.user()) : Envelopes.wrap("UserApiKey", userApiKey(session.grant()));
  }

  /** {@code {"UserPerson":{...}}}, {@code {"UserCompany":{...}}} or {@code {"UserPaymentServiceProvider":{...}}}. */
  static JsonObject wrap(User user) {
    return Envelopes.wrap(user.kind().wrapper, object(user));
  }

  /** The user object itself, in the schema of its kind. */
  static JsonObject object(User user) {
    return switch (user.kind()) {
      case PERSON -> BunqJson.userPerson(user);
      case COMPANY -> userCompany(user);
      case PSP -> userPaymentServiceProvider(user);
    };
  }

  static JsonObject userCompany(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("created", Timestamps.format(user.created()))
        .put("updated", Timestamps.format(user.created()))
        .put("public_uuid", user.publicUuid())
        .put("name", user.displayName())
        .put("display_name", user.displayName())
        .put("public_nick_name", user.displayName())
        .put("alias", aliases(user))
        .put("chamber_of_commerce_number", String.format("%08d", user.id() % 100_000_000))
        .put("legal_form", legalForm(user.displayName()))
        .put("type_of_business_entity", null)
        .put("sector_of_industry", null)
        .put("counter_bank_iban", null)
        .put("avatar", null)
        .put("address_main", BunqJson.address())
        .put("address_postal", BunqJson.address())
        .put("address_shipping", null)
        .put("version_terms_of_service", "1.0")
        .put("directors", new JsonArray())
        .put("language", "en_US")
        .put("country", BunqJson.COUNTRY)
        .put("region", "nl_NL")
        .put("ubo", new JsonArray())
        .put("status", "ACTIVE")
        .put("sub_status", "NONE")
        .put("session_timeout", user.sessionTimeoutSeconds())
        .put("daily_limit_without_confirmation_login", BunqJson.amount(new BigDecimal("250.00")))
        .put("notification_filters", new JsonArray())
        .put("customer", null)
        .put("customer_limit", null)
        .put("billing_contract", new JsonArray())
        .put("deny_reason", null)
        .put("relations", new JsonArray())
        .put("tax_resident", new JsonArray());
  }

  static JsonObject userPaymentServiceProvider(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("created", Timestamps.format(user.created()))
        .put("updated", Timestamps.format(user.created()))
        .put("certificate_distinguished_name", distinguishedName(user))
        .put("alias", aliases(user))
        .put("avatar", null)
        .put("status", "ACTIVE")
        .put("sub_status", "NONE")
        .put("public_uuid", user.publicUuid())
        .put("display_name", user.displayName())
        .put("public_nick_name", user.displayName())
        .put("language", "en_US")
        .put("region", "nl_NL")
        .put("session_timeout", user.sessionTimeoutSeconds());
  }

  /**
   * The {@code UserApiKey} of an OAuth connection. The two users inside are the short form bunq's
   * published OAuth session sample shows (display name, nick name, avatar, session timeout), not
   * the full user objects: the app sees little of the user who granted access.
   */
  static JsonObject userApiKey(Grant grant) {
    String time = Timestamps.format(grant.created());
    return new JsonObject()
        .put("id", grant.id())
        .put("created", time)
        .put("updated", time)
        .put("requested_by_user", anchored(grant.requestedBy()))
        .put("granted_by_user", anchored(grant.grantedBy()));
  }

  private static JsonObject anchored(User user) {
    return Envelopes.wrap(user.kind().wrapper, new JsonObject()
        .put("display_name", user.displayName())
        .put("public_nick_name", user.kind() == Model.Kind.PERSON ? user.firstName() : user.displayName())
        .put("avatar", null)
        .put("session_timeout", user.sessionTimeoutSeconds()));
  }

  /**
   * A provider registered by certificate is named after the certificate's CN, which names its roles; a
   * seeded provider gets both roles added to its name.
   */
  private static String distinguishedName(User user) {
    String name = user.displayName();
    boolean named = QsealCertificate.ROLES.stream().anyMatch(name::contains);
    return named ? "CN=" + name : "C=NL, O=" + name + ", CN=" + name + " AISP PISP";
  }

  private static JsonArray aliases(User user) {
    return new JsonArray()
        .add(BunqJson.pointer("PHONE_NUMBER", user.phone(), user.phone()))
        .add(BunqJson.pointer("EMAIL", user.email(), user.email()));
  }

  private static String legalForm(String name) {
    if (name.endsWith("V.O.F.")) {
      return "VOF";
    }
    return name.endsWith("N.V.") ? "NV" : "BV";
  }
}
