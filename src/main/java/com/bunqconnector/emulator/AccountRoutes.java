package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monetary accounts: list (oldest first, see {@link Paging#oldestFirst}) and read through
 * {@code monetary-account} (every emulated account is a MonetaryAccountBank) and
 * {@code monetary-account-bank}, open one (POST) and change or close one
 * (PUT). Closing follows bunq's fields: status CANCELLED, sub_status REDEMPTION_VOLUNTARY, reason
 * OTHER and an optional reason_description.
 */
final class AccountRoutes {

  /** bunq's upper bound for {@code daily_limit}. */
  static final BigDecimal MAX_DAILY_LIMIT = new BigDecimal("10000.00");
  /**
   * Accounts one user may have open. bunq caps the number per plan; 25 is a plausible value for
   * the plans with API access, not a documented one.
   */
  static final int MAX_ACTIVE_ACCOUNTS = 25;
  /** Longest account description accepted; bunq documents none, so this is a guess. */
  static final int MAX_DESCRIPTION = 250;
  private static final Set<String> AVATAR_STATUSES = Set.of("AVATAR_DEFAULT", "AVATAR_CUSTOM", "AVATAR_UNDETERMINED");
  private static final Set<String> CHAT_RESTRICTIONS = Set.of("ALLOW_INCOMING", "BLOCK_INCOMING");
  private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);

  private final EmulatorState state;
  private final Guard guard;

  AccountRoutes(EmulatorState state, Guard guard) {
    this.state = state;
    this.guard = guard;
  }

  void mount(Router router, Replies replies) {
    router.get("/v1/user/:userID/monetary-account").handler(replies.handler(this::list));
    router.get("/v1/user/:userID/monetary-account/:accountID").handler(replies.handler(this::get));
    router.get("/v1/user/:userID/monetary-account-bank").handler(replies.handler(this::list));
    router.get("/v1/user/:userID/monetary-account-bank/:accountID").handler(replies.handler(this::get));
    router.post("/v1/user/:userID/monetary-account-bank").handler(replies.handler(this::create));
    router.put("/v1/user/:userID/monetary-account-bank/:accountID").handler(replies.handler(this::update));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      NavigableMap<Long, Account> accounts = new TreeMap<>();
      state.accountsOf(guard.user(ctx, session)).forEach(a -> accounts.put(a.id, a));
      Paging.Page<Account> page = Paging.oldestFirst(ctx.request().path(), ctx.queryParams(), accounts);
      return Envelopes.listing(page.items().stream().map(AccountRoutes::wrap).toList(), page.pagination());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return guard.authorise(ctx, false)
        .map(session -> Envelopes.response(wrap(guard.account(ctx, guard.user(ctx, session)))));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      User user = guard.user(ctx, session);
      JsonObject body = Bodies.object(ctx, false);
      String currency = Fields.requiredText(body, "currency");
      if (!BunqJson.CURRENCY.equals(currency)) {
        throw ApiError.badRequest("Field \"currency\" must be \"EUR\": the emulator keeps EUR accounts only.");
      }
      String country = Fields.optionalString(body, "country_iban");
      if (country != null && !BunqJson.COUNTRY.equals(country)) {
        throw ApiError.badRequest("Field \"country_iban\" must be \"NL\": the emulator issues Dutch IBANs only.");
      }
      String status = Fields.optionalString(body, "status");
      if (status != null && !"ACTIVE".equals(status)) {
        throw ApiError.badRequest("Field \"status\" must be ACTIVE (or absent) for a new monetary account.");
      }
      Fields.optionalString(body, "avatar_uuid");
      String description = description(body);
      BigDecimal dailyLimit = dailyLimit(body);
      JsonObject setting = setting(body);
      long open = state.accountsOf(user).stream().filter(Account::isActive).count();
      if (open >= MAX_ACTIVE_ACCOUNTS) {
        throw ApiError.badRequest("A user can have at most " + MAX_ACTIVE_ACCOUNTS + " active monetary accounts.");
      }
      Account account = state.openAccount(user, BigDecimal.ZERO.setScale(2));
      if (description != null) {
        account.description = description;
      }
      if (dailyLimit != null) {
        account.dailyLimit = dailyLimit;
      }
      setting.forEach(e -> account.setting.put(e.getKey(), e.getValue()));
      log.info("Opened monetary account {} for user {}", account.id, user.id());
      return Envelopes.response(Envelopes.id(account.id));
    });
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Guard.refuseForOauth(session, "change or close a monetary account");
      User user = guard.user(ctx, session);
      Account account = guard.account(ctx, user);
      JsonObject body = Bodies.object(ctx, false);
      if (!account.isActive()) {
        throw ApiError.badRequest("Monetary account " + account.id + " is " + account.status
            + " and can no longer be changed.");
      }
      String description = description(body);
      BigDecimal dailyLimit = dailyLimit(body);
      JsonObject setting = setting(body);
      Fields.optionalString(body, "avatar_uuid");
      String status = Fields.optionalString(body, "status");
      boolean closing = "CANCELLED".equals(status);
      if (status != null && !closing && !"ACTIVE".equals(status)) {
        throw ApiError.badRequest("Field \"status\" can only be set to CANCELLED (or left ACTIVE).");
      }
      if (closing) {
        checkClosing(body, user, account);
      } else {
        for (String field : List.of("sub_status", "reason", "reason_description")) {
          if (body.getValue(field) != null) {
            throw ApiError.badRequest("Field \"" + field + "\" is only allowed with status CANCELLED.");
          }
        }
      }
      if (description != null) {
        account.description = description;
      }
      if (dailyLimit != null) {
        account.dailyLimit = dailyLimit;
      }
      setting.forEach(e -> account.setting.put(e.getKey(), e.getValue()));
      if (closing) {
        account.status = "CANCELLED";
        account.subStatus = "REDEMPTION_VOLUNTARY";
        account.reason = "OTHER";
        account.reasonDescription = Fields.optionalString(body, "reason_description");
        log.info("Closed monetary account {} of user {}", account.id, user.id());
      }
      account.updated = state.now();
      return Envelopes.response(Envelopes.id(account.id));
    });
  }

  /**
   * bunq's closing rules as far as they are known: the fields its schema names, plus two guesses
   * (no money may remain, and the last active account stays open).
   */
  private void checkClosing(JsonObject body, User user, Account account) {
    if (!"REDEMPTION_VOLUNTARY".equals(Fields.optionalString(body, "sub_status"))) {
      throw ApiError.badRequest("Field \"sub_status\" must be REDEMPTION_VOLUNTARY to cancel a monetary account.");
    }
    if (!"OTHER".equals(Fields.optionalString(body, "reason"))) {
      throw ApiError.badRequest("Field \"reason\" must be OTHER to cancel a monetary account.");
    }
    Fields.optionalString(body, "reason_description");
    if (account.balance.signum() != 0) {
      throw ApiError.badRequest("The balance of monetary account " + account.id
          + " must be zero before it can be cancelled.");
    }
    if (state.accountsOf(user).stream().filter(Account::isActive).count() <= 1) {
      throw ApiError.badRequest("The last active monetary account of a user cannot be cancelled.");
    }
  }

  private static String description(JsonObject body) {
    String description = Fields.optionalString(body, "description");
    if (description != null && (description.isBlank() || description.length() > MAX_DESCRIPTION)) {
      throw ApiError.badRequest("Field \"description\" must hold 1 to " + MAX_DESCRIPTION + " characters.");
    }
    return description;
  }

  private static BigDecimal dailyLimit(JsonObject body) {
    if (body.getValue("daily_limit") == null) {
      return null;
    }
    BigDecimal limit = Fields.positiveAmount(body, "daily_limit");
    if (limit.compareTo(MAX_DAILY_LIMIT) > 0) {
      throw ApiError.badRequest("Field \"daily_limit.value\" must be at most " + MAX_DAILY_LIMIT + ".");
    }
    return limit;
  }

  /** The known, valid keys of {@code setting}; an empty object when the field is absent. */
  private static JsonObject setting(JsonObject body) {
    if (body.getValue("setting") == null) {
      return new JsonObject();
    }
    JsonObject setting = Fields.object(body, "setting");
    JsonObject accepted = new JsonObject();
    for (String key : setting.fieldNames()) {
      String name = "setting." + key;
      switch (key) {
        case "color", "icon", "sdd_expiration_action" -> accepted.put(key, Fields.optionalString(setting, name));
        case "default_avatar_status" -> accepted.put(key, Fields.optionalChoice(setting, name, AVATAR_STATUSES));
        case "restriction_chat" -> accepted.put(key, Fields.optionalChoice(setting, name, CHAT_RESTRICTIONS));
        default -> throw ApiError.badRequest("Field \"" + name + "\" is not a known monetary account setting.");
      }
    }
    return accepted;
  }

  private static JsonObject wrap(Account account) {
    return Envelopes.wrap("MonetaryAccountBank", BunqJson.monetaryAccountBank(account));
  }
}
