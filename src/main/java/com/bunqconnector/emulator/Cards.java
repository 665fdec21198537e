package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.PinAssignment;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * bunq's debit cards: the names a user may put on one ({@code card-name}), ordering one
 * ({@code card-debit}), changing one ({@code PUT card}) and the card as bunq shows it
 * ({@code CardDebit}). Emulator context only.
 *
 * <p>A card's life: ordered, it is DEACTIVATED with order status ACCEPTED_FOR_PRODUCTION (the
 * emulator produces it at once); set ACTIVE, it counts as delivered (DELIVERED_TO_CUSTOMER). A card
 * ordered with order status VIRTUAL_DELIVERY is ACTIVE at once. DEACTIVATED is only for a card that
 * was active once; LOST, STOLEN and CANCELLED are for good, as swagger's {@code Card.status} says.
 * The spending and ATM limits are kept and shown; simulated card payments are not held to them.
 */
final class Cards {

  /**
   * The longest name on a card. bunq documents no number ("of suitable length"); the emulator takes
   * the 21 characters a card's embossed name line commonly holds.
   */
  static final int NAME_MAX = 21;
  /** The longest second line, as bunq's CardDebit documents it. */
  static final int SECOND_LINE_MAX = 17;
  static final Set<String> TYPES = Set.of("MASTERCARD", "MAESTRO");
  static final Set<String> SETTABLE_STATUSES = Set.of("ACTIVE", "DEACTIVATED", "LOST", "STOLEN", "CANCELLED");
  private static final Set<String> FINAL_STATUSES = Set.of("LOST", "STOLEN", "CANCELLED", "EXPIRED",
      "PIN_TRIES_EXCEEDED");
  private static final Set<String> ORDER_STATUSES = Set.of("CARD_REQUEST_PENDING", "VIRTUAL_DELIVERY");
  private static final Set<String> PIN_TYPES = Set.of("PRIMARY", "SECONDARY", "TERTIARY");
  private static final Set<String> ROUTING_TYPES = Set.of("MANUAL", "AUTOMATIC");
  /** The spending and ATM limits of a new card, as in bunq's example card. */
  static final BigDecimal DEFAULT_LIMIT = new BigDecimal("1000.00");
  private static final Pattern PRODUCT_TYPE = Pattern.compile("[A-Z][A-Z_]{0,39}");
  private static final Pattern PIN = Pattern.compile("\\d{4}");
  /** Fields of a PUT the emulator does not take, with why. */
  private static final List<String[]> UNSERVED = List.of(
      new String[] {"pin_code", "needs an encrypted request, which the emulator does not serve"},
      new String[] {"activation_code", "is deprecated by bunq: set \"status\" to ACTIVE"},
      new String[] {"order_status", "cannot be changed on the emulator"},
      new String[] {"country_permission", "cannot be changed on the emulator"},
      new String[] {"primary_account_numbers", "cannot be changed on the emulator"});

  private final EmulatorState state;
  private final ResourceStore store;

  Cards(EmulatorState state, ResourceStore store) {
    this.state = state;
    this.store = store;
  }

  /**
   * The names bunq accepts on the user's card, from the legal name: for a person "Name Surname",
   * "N. Surname", "N Surname" and "Surname" (the formats bunq's card-name documents), for a company
   * its name; each at most {@link #NAME_MAX} characters. When none fits, the shortest is cut to fit.
   */
  static List<String> possibleNames(User user) {
    String first = user.firstName().strip();
    String last = user.lastName().strip();
    List<String> candidates = new ArrayList<>();
    if (user.kind() == Model.Kind.PERSON && !last.isEmpty() && !first.isEmpty()) {
      String initial = first.substring(0, first.offsetByCodePoints(0, 1));
      candidates.add(first + " " + last);
      candidates.add(initial + ". " + last);
      candidates.add(initial + " " + last);
      candidates.add(last);
    } else {
      candidates.add(user.name().strip());
    }
    Set<String> fitting = new LinkedHashSet<>();
    candidates.stream().filter(n -> n.length() <= NAME_MAX).forEach(fitting::add);
    if (fitting.isEmpty()) {
      fitting.add(candidates.get(candidates.size() - 1).substring(0, NAME_MAX).strip());
    }
    return List.copyOf(fitting);
  }

  /**
   * Orders a card as a {@code card-debit} body asks.
   *
   * @throws ApiError 400 naming the field that is missing or wrong
   */
  Card order(User user, JsonObject body) {
    String secondLine = Fields.description(body, "second_line", SECOND_LINE_MAX);
    String name = Fields.requiredText(body, "name_on_card");
    List<String> names = possibleNames(user);
    if (!names.contains(name)) {
      throw ApiError.badRequest("Field \"name_on_card\" must be one of the names card-name gives: \""
          + String.join("\", \"", names) + "\".");
    }
    String preferred = preferredName(body);
    String type = Fields.optionalChoice(body, "type", TYPES);
    if (type == null) {
      throw ApiError.badRequest("Field \"type\" is required: MAESTRO or MASTERCARD.");
    }
    String product = Fields.requiredText(body, "product_type");
    if (!PRODUCT_TYPE.matcher(product).matches() || !product.startsWith(type + "_")) {
      throw ApiError.badRequest("Field \"product_type\" must be a " + type + " product such as " + type
          + "_DEBIT.");
    }
    Account aliased = body.getValue("alias") == null ? null : aliasAccount(user, Fields.pointer(body, "alias"));
    List<PinAssignment> pins = pins(user, body);
    Long fallback = fallback(user, body);
    String orderStatus = Fields.optionalChoice(body, "order_status", ORDER_STATUSES);
    Account ordered = aliased != null ? aliased : linkedAccount(user, pins);
    if (pins == null) {
      pins = List.of(new PinAssignment("PRIMARY", "AUTOMATIC", ordered.id));
    }
    Card card = newCard(user, type, product, name, ordered);
    card.secondLine = secondLine;
    card.preferredNameOnCard = preferred;
    card.pins = pins;
    card.fallbackAccountId = fallback;
    boolean virtual = "VIRTUAL_DELIVERY".equals(orderStatus);
    card.status = virtual ? "ACTIVE" : "DEACTIVATED";
    card.orderStatus = virtual ? "VIRTUAL_DELIVERY" : "ACCEPTED_FOR_PRODUCTION";
    store.addCard(card);
    return card;
  }

  /**
   * The card the emulator makes for an account none of whose owner's cards pays from: an active
   * MASTERCARD with the owner's first possible name, its PIN on the account.
   */
  Card emulatedCard(Account account) {
    Card card = newCard(account.owner, "MASTERCARD", "MASTERCARD_DEBIT", possibleNames(account.owner).get(0),
        account);
    card.secondLine = account.owner.displayName().length() > SECOND_LINE_MAX
        ? account.owner.displayName().substring(0, SECOND_LINE_MAX).strip() : account.owner.displayName();
    card.pins = List.of(new PinAssignment("PRIMARY", "AUTOMATIC", account.id));
    card.status = "ACTIVE";
    card.orderStatus = "VIRTUAL_DELIVERY";
    store.addCard(card);
    return card;
  }

  private Card newCard(User user, String type, String product, String name, Account ordered) {
    YearMonth expiry = YearMonth.from(state.now().atZone(ZoneOffset.UTC)).plusYears(4);
    long id = state.nextId();
    long panId = state.nextId();
    Card card = new Card(id, state.now(), UUID.randomUUID().toString(), user, type, product, name,
        expiry.atEndOfMonth().toString(), panId, fourDigit(panId), ordered.id);
    card.limit = DEFAULT_LIMIT;
    card.limitAtm = DEFAULT_LIMIT;
    return card;
  }

  /** The last four digits of a PAN: made up, spread over 0000-9999 by the PAN's id. */
  static String fourDigit(long panId) {
    return String.format("%04d", Math.floorMod(panId * 7919, 10_000));
  }

  /**
   * Changes the card as a {@code PUT card} body asks: all checked first, then all applied. As
   * bunq's document says, a fallback account not given is removed.
   *
   * @throws ApiError 400 naming the field that is wrong, or for a card that is LOST, STOLEN,
   *     CANCELLED, EXPIRED or blocked for good
   */
  void update(Card card, JsonObject body) {
    for (String[] unserved : UNSERVED) {
      if (body.getValue(unserved[0]) != null) {
        throw ApiError.badRequest("Field \"" + unserved[0] + "\" " + unserved[1] + ".");
      }
    }
    if (FINAL_STATUSES.contains(card.status)) {
      throw ApiError.badRequest("Card " + card.id + " is " + card.status + " for good and can no longer be changed.");
    }
    String status = Fields.optionalChoice(body, "status", SETTABLE_STATUSES);
    if ("DEACTIVATED".equals(status) && "ACCEPTED_FOR_PRODUCTION".equals(card.orderStatus)) {
      throw ApiError.badRequest("Field \"status\" can be DEACTIVATED only for a card that was activated.");
    }
    String reason = Fields.optionalString(body, "cancellation_reason");
    if (reason != null && (status == null || !FINAL_STATUSES.contains(status))) {
      throw ApiError.badRequest("Field \"cancellation_reason\" goes only with \"status\" LOST, STOLEN or CANCELLED.");
    }
    BigDecimal limit = body.getValue("card_limit") == null ? null : Fields.amount(body, "card_limit");
    BigDecimal limitAtm = body.getValue("card_limit_atm") == null ? null : Fields.amount(body, "card_limit_atm");
    List<PinAssignment> pins = pins(card.owner, body);
    Long fallback = fallback(card.owner, body);
    String preferred = preferredName(body);
    String secondLine = body.getValue("second_line") == null ? null
        : Fields.description(body, "second_line", SECOND_LINE_MAX);

    if (status != null && !status.equals(card.status)) {
      if ("ACTIVE".equals(status) && "ACCEPTED_FOR_PRODUCTION".equals(card.orderStatus)) {
        card.orderStatus = "DELIVERED_TO_CUSTOMER";
      }
      card.status = status;
    }
    card.limit = limit == null ? card.limit : limit;
    card.limitAtm = limitAtm == null ? card.limitAtm : limitAtm;
    card.pins = pins == null ? card.pins : pins;
    card.fallbackAccountId = fallback;
    card.preferredNameOnCard = preferred == null ? card.preferredNameOnCard : preferred;
    card.secondLine = secondLine == null ? card.secondLine : secondLine;
    card.updated = state.now();
  }

  private static String preferredName(JsonObject body) {
    String preferred = Fields.optionalString(body, "preferred_name_on_card");
    if (preferred != null && (preferred.isBlank() || preferred.length() > NAME_MAX)) {
      throw ApiError.badRequest("Field \"preferred_name_on_card\" must hold 1 to " + NAME_MAX + " characters.");
    }
    return preferred;
  }

  /** The user's active account that an IBAN alias names. */
  private Account aliasAccount(User user, Pointer alias) {
    if (!"IBAN".equals(alias.type())) {
      throw ApiError.badRequest("Field \"alias.type\" must be IBAN: a card is linked to a monetary account.");
    }
    return state.accountByIban(alias.value())
        .filter(a -> a.owner.id() == user.id() && a.isActive())
        .orElseThrow(() -> ApiError.badRequest("Field \"alias.value\" names no active monetary account of user "
            + user.id() + "."));
  }

  /** The body's {@code pin_code_assignment}, checked; {@code null} when absent. */
  private List<PinAssignment> pins(User user, JsonObject body) {
    JsonArray array = Fields.optionalArray(body, "pin_code_assignment");
    if (array == null) {
      return null;
    }
    List<PinAssignment> pins = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "pin_code_assignment[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw ApiError.badRequest("Field \"" + at + "\" must be an object.");
      }
      String type = Fields.optionalChoice(entry, at + ".type", PIN_TYPES);
      if (type == null) {
        throw ApiError.badRequest("Field \"" + at + ".type\" is required: PRIMARY, SECONDARY or TERTIARY.");
      }
      if (!types.add(type)) {
        throw ApiError.badRequest("Field \"" + at + ".type\" repeats " + type + ".");
      }
      String routing = Fields.optionalChoice(entry, at + ".routing_type", ROUTING_TYPES);
      String pin = Fields.optionalString(entry, at + ".pin_code");
      if (pin != null && !PIN.matcher(pin).matches()) {
        throw ApiError.badRequest("Field \"" + at + ".pin_code\" must be 4 digits.");
      }
      long accountId = ownAccount(user, entry, at + ".monetary_account_id");
      pins.add(new PinAssignment(type, routing == null ? "MANUAL" : routing, accountId));
    }
    if (!types.contains("PRIMARY")) {
      throw ApiError.badRequest("Field \"pin_code_assignment\" must hold a PRIMARY assignment.");
    }
    return List.copyOf(pins);
  }

  private Long fallback(User user, JsonObject body) {
    return body.getValue("monetary_account_id_fallback") == null ? null
        : ownAccount(user, body, "monetary_account_id_fallback");
  }

  /** The id in {@code field}, which must name an active monetary account of the user. */
  private long ownAccount(User user, JsonObject json, String field) {
    Object value = json.getValue(field.substring(field.lastIndexOf('.') + 1));
    if (value == null) {
      throw ApiError.badRequest("Field \"" + field + "\" is required.");
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be the id of a monetary account.");
    }
    long id = ((Number) value).longValue();
    return state.account(id).filter(a -> a.owner.id() == user.id() && a.isActive())
        .orElseThrow(() -> ApiError.badRequest("Field \"" + field + "\" names no active monetary account of user "
            + user.id() + "."))
        .id;
  }

  /** The account a card ordered without alias is on: that of its PRIMARY PIN, else the user's first active one. */
  private Account linkedAccount(User user, List<PinAssignment> pins) {
    if (pins != null) {
      long primary = pins.stream().filter(p -> "PRIMARY".equals(p.type())).findFirst().orElseThrow().accountId();
      return state.account(primary).orElseThrow();
    }
    return state.primaryAccountOf(user).orElseThrow(() -> ApiError.badRequest("User " + user.id()
        + " has no active monetary account to link a card to."));
  }

  /** The card as bunq shows it, in {@code CardRead} order, to be wrapped as {@code CardDebit}. */
  JsonObject json(Card card) {
    JsonArray pins = new JsonArray();
    card.pins.forEach(p -> pins.add(new JsonObject().put("type", p.type()).put("routing_type", p.routingType())
        .put("monetary_account_id", p.accountId()).put("status", "ACTIVE")));
    JsonArray pans = new JsonArray().add(new JsonObject()
        .put("id", card.panId)
        .put("description", card.secondLine)
        .put("status", "ACTIVE".equals(card.status) ? "ACTIVE" : "DEACTIVATED")
        .put("monetary_account_id", card.primaryAccountId())
        .put("uuid", card.publicUuid)
        .put("four_digit", card.fourDigit)
        .put("type", "VIRTUAL_DELIVERY".equals(card.orderStatus) ? "VIRTUAL" : "PHYSICAL"));
    return new JsonObject()
        .put("id", card.id)
        .put("created", Timestamps.format(card.created))
        .put("updated", Timestamps.format(card.updated))
        .put("public_uuid", card.publicUuid)
        .put("user_id", card.owner.id())
        .put("user_owner_id", card.owner.id())
        .put("user_holder_id", card.owner.id())
        .put("type", card.type)
        .put("sub_type", "NONE")
        .put("product_type", card.productType)
        .put("product_sub_type", "NONE")
        .put("first_line", "")
        .put("second_line", card.secondLine)
        .put("status", card.status)
        .put("sub_status", "NONE")
        .put("order_status", card.orderStatus)
        .put("expiry_date", card.expiryDate)
        .put("name_on_card", card.nameOnCard)
        .put("preferred_name_on_card", card.preferredNameOnCard)
        .put("primary_account_numbers", pans)
        .put("payment_account_reference", null)
        .put("card_limit", BunqJson.amount(card.limit))
        .put("card_limit_atm", BunqJson.amount(card.limitAtm))
        .put("country_permission", new JsonArray())
        .put("label_monetary_account_ordered", label(card.orderedAccountId))
        .put("label_monetary_account_current", label(card.primaryAccountId()))
        .put("monetary_account", null)
        .put("pin_code_assignment", pins)
        .put("monetary_account_id_fallback", card.fallbackAccountId)
        .put("country", BunqJson.COUNTRY)
        .put("card_shipment_tracking_url", null)
        .put("is_card_eligible_for_free_replacement", false)
        .put("card_replacement", null)
        .put("card_generated_cvc2", null)
        .put("is_limited_edition", false)
        .put("card_metal_member_since_date", null)
        .put("company_employee_card", null);
  }

  private JsonObject label(long accountId) {
    return state.account(accountId).map(BunqJson::label).orElse(null);
  }
}
