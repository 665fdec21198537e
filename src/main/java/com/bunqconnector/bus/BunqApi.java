package com.bunqconnector.bus;

import com.bunqconnector.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a consumer verticle uses to call bunq through the connector, instead of raw
 * {@code bunq.api} messages: typed helpers for the common calls, each returning a {@link Future},
 * and {@link User#call} for anything else. Works on any node of the cluster.
 *
 * <pre>{@code
 * BunqApi.User alice = BunqApi.create(vertx).user("acme", "alice");
 * alice.accounts()
 *     .compose(accounts -> alice.pay(accounts.get(0).getLong("id"), Amount.eur("12.50"),
 *         Alias.iban("NL91BUNQ2025100019", "Bob"), "Lunch"))
 *     .onSuccess(paymentId -> log.info("paid: {}", paymentId))
 *     .onFailure(e -> log.warn("not paid: {}", ((BunqApi.BunqCallException) e).code()));
 * }</pre>
 *
 * <p>Objects come back as bunq sent them ({@link JsonObject}s inside their type wrapper removed
 * where a helper names the type); amounts are read with {@link Amount#of(JsonObject)} as
 * {@link BigDecimal}; ids are {@code long}. Every failure is a {@link BunqCallException} with the
 * connector's stable code.
 */
public final class BunqApi {

  /**
   * How long a call may take by default before its future fails with code {@code timeout}: room
   * for the connector's rate-limit wait, its retries and bunq's answer.
   */
  public static final long DEFAULT_TIMEOUT_MS = 90_000;

  private final Vertx vertx;
  private final long timeoutMs;
  private final DeliveryOptions delivery;

  private BunqApi(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** A client on this Vert.x instance's event bus. */
  public static BunqApi create(Vertx vertx) {
    return new BunqApi(Objects.requireNonNull(vertx, "vertx"), DEFAULT_TIMEOUT_MS);
  }

  /**
   * The same client with another call timeout. The connector is told it too, and starts no attempt
   * of a call after it has passed (such a call fails with {@code timeout}, not sent).
   */
  public BunqApi withTimeout(long timeoutMs) {
    if (timeoutMs < 1 || timeoutMs > ApiRequests.MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeout must be from 1 to " + ApiRequests.MAX_TIMEOUT_MS + " ms, was "
          + timeoutMs);
    }
    return new BunqApi(vertx, timeoutMs);
  }

  /** Calls on behalf of one configured user of a tenant. */
  public User user(String tenant, String user) {
    return new User(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(user, "user"));
  }

  /**
   * An amount of money: a decimal value (never a double) with at most two decimals, as bunq takes
   * it, and an ISO 4217 currency.
   */
  public record Amount(BigDecimal value, String currency) {

    private static final Pattern TEXT = Pattern.compile("-?\\d{1,15}(\\.\\d{1,2})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /** @throws IllegalArgumentException for a value with more than two decimals, or a currency that is not ISO 4217 */
    public Amount {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(currency, "currency");
      if (value.stripTrailingZeros().scale() > 2) {
        throw new IllegalArgumentException("amount " + value.toPlainString() + " has more than two decimals");
      }
      if (!CURRENCY.matcher(currency).matches()) {
        throw new IllegalArgumentException("currency '" + currency + "' is not an ISO 4217 code such as EUR");
      }
    }

    /**
     * An amount in euro, from text such as {@code "12.50"}: digits with at most two decimals, no exponent.
     *
     * @throws IllegalArgumentException naming the text if it is not such an amount
     */
    public static Amount eur(String value) {
      return new Amount(parse(value), "EUR");
    }

    /** Reads bunq's {@code {"value": "-12.50", "currency": "EUR"}}. */
    public static Amount of(JsonObject amount) {
      return new Amount(parse(amount.getString("value")), amount.getString("currency"));
    }

    private static BigDecimal parse(String value) {
      if (value == null || !TEXT.matcher(value).matches()) {
        throw new IllegalArgumentException("amount '" + (value == null || value.length() > 40 ? "(" + (value == null
            ? "none" : value.length() + " characters") + ")" : value) + "' is not a decimal with at most two"
            + " decimals, such as 12.50");
      }
      return new BigDecimal(value);
    }

    /** bunq's form: the value with two decimals, as text. */
    public JsonObject toJson() {
      return new JsonObject().put("value", value.setScale(2, RoundingMode.UNNECESSARY).toPlainString())
          .put("currency", currency);
    }
  }

  /** Who money goes to or comes from: bunq's {@code Pointer}, an IBAN, e-mail address or phone number. */
  public record Alias(String type, String value, String name) {

    public static Alias iban(String iban, String name) {
      return new Alias("IBAN", iban, name);
    }

    public static Alias email(String email) {
      return new Alias("EMAIL", email, null);
    }

    public static Alias phone(String number) {
      return new Alias("PHONE_NUMBER", number, null);
    }

    public JsonObject toJson() {
      JsonObject alias = new JsonObject().put("type", type).put("value", value);
      return name == null ? alias : alias.put("name", name);
    }
  }

  /**
   * A call that failed, as the connector reports it: a stable {@link #code()} such as
   * {@code not-found}, {@code rate-limited} or {@code outcome-unknown}, bunq's HTTP status (0 when
   * bunq did not answer), every {@code error_description}, and bunq's response id.
   */
  public static final class BunqCallException extends RuntimeException {
    private final String code;
    private final int status;
    private final List<String> descriptions;
    private final String responseId;
    private final boolean changes;

    BunqCallException(JsonObject failure, String method) {
      super(failure.getString("code") + ": " + String.join(" ", descriptions(failure)), null, false, false);
      this.changes = !"GET".equalsIgnoreCase(method);
      this.code = failure.getString("code");
      this.status = failure.getInteger("status", 0);
      this.descriptions = descriptions(failure);
      this.responseId = failure.getString("response_id");
    }

    public String code() {
      return code;
    }

    public int status() {
      return status;
    }

    public List<String> descriptions() {
      return descriptions;
    }

    public String responseId() {
      return responseId;
    }

    /**
     * Whether bunq may have carried the call out although it failed: always for
     * {@code outcome-unknown}, and for {@code bad-signature} of a call that changes something
     * (anything but a GET). Read the resource before repeating such a call. A {@code timeout} from
     * the connector is a call it never sent (a sent one without an answer is {@code outcome-unknown}).
     */
    public boolean mayHaveBeenCarriedOut() {
      return code.equals("outcome-unknown") || changes && code.equals("bad-signature");
    }

    private static List<String> descriptions(JsonObject failure) {
      List<String> texts = new ArrayList<>();
      JsonArray array = failure.getJsonArray("error_description", new JsonArray());
      array.forEach(text -> texts.add(String.valueOf(text)));
      return List.copyOf(texts);
    }
  }

  /** One user's calls. */
  public final class User {
    private final String tenant;
    private final String user;

    private User(String tenant, String user) {
      this.tenant = tenant;
      this.user = user;
    }

    /**
     * Any call: {@code path} below {@code /v1}, with {@code {userId}} for the user's bunq id;
     * {@code query} and {@code body} may be {@code null}. Completes with the whole reply:
     * {@code {"status","Response","Pagination","response_id","pages"}}.
     */
    public Future<JsonObject> call(String method, String path, JsonObject query, Object body) {
      return guarded(() -> send(request(method, path, query).put("body", body)));
    }

    /** Every item of a GET list, page after page, up to {@code limit} items (newest first). */
    public Future<JsonArray> listAll(String path, JsonObject query, int limit) {
      return guarded(() -> send(request("GET", path, query).put("all", true).put("limit", limit))
          .map(reply -> reply.getJsonArray("Response")));
    }

    /** The user's bank accounts ({@code MonetaryAccountBank}), up to 200. */
    public Future<List<JsonObject>> accounts() {
      return listAll("/user/{userId}/monetary-account-bank", new JsonObject().put("count", 200), 200)
          .map(items -> unwrap(items, "MonetaryAccountBank"));
    }

    /** One page of an account's payments, newest first: {@code count} from 1 to 200. */
    public Future<List<JsonObject>> payments(long accountId, int count) {
      return call("GET", account(accountId) + "/payment", new JsonObject().put("count", count), null)
          .map(reply -> unwrap(reply.getJsonArray("Response"), "Payment"));
    }

    /** One payment. */
    public Future<JsonObject> payment(long accountId, long paymentId) {
      return call("GET", account(accountId) + "/payment/" + paymentId, null, null)
          .map(reply -> first(reply, "Payment"));
    }

    /** Pays from one of the user's accounts; completes with the new payment's id. */
    public Future<Long> pay(long accountId, Amount amount, Alias to, String description) {
      return guarded(() -> {
        JsonObject body = new JsonObject().put("amount", amount.toJson()).put("counterparty_alias", to.toJson())
            .put("description", description);
        return call("POST", account(accountId) + "/payment", null, body).map(BunqApi::createdId);
      });
    }

    /** Asks someone for money into one of the user's accounts; completes with the request's id. */
    public Future<Long> requestMoney(long accountId, Amount amount, Alias from, String description) {
      return guarded(() -> {
        JsonObject body = new JsonObject().put("amount_inquired", amount.toJson())
            .put("counterparty_alias", from.toJson()).put("description", description).put("allow_bunqme", false);
        return call("POST", account(accountId) + "/request-inquiry", null, body).map(BunqApi::createdId);
      });
    }

    /** A payment that waits for the account owner's approval in the bunq app; completes with its id. */
    public Future<Long> draftPayment(long accountId, Amount amount, Alias to, String description) {
      return guarded(() -> {
        JsonObject entry = new JsonObject().put("amount", amount.toJson()).put("counterparty_alias", to.toJson())
            .put("description", description);
        JsonObject body = new JsonObject().put("entries", new JsonArray().add(entry))
            .put("number_of_required_accepts", 1);
        return call("POST", account(accountId) + "/draft-payment", null, body).map(BunqApi::createdId);
      });
    }

    /** The user-level callback filters: {@code {"category", "notification_target"}} each. */
    public Future<List<JsonObject>> notificationFilters() {
      return call("GET", "/user/{userId}/notification-filter-url", null, null)
          .map(reply -> unwrap(reply.getJsonArray("Response"), "NotificationFilterUrl"));
    }

    /**
     * Replaces the user-level callback filters with these (bunq keeps only the set last sent; an
     * empty list removes them all): each {@code {"category", "notification_target"}}.
     */
    public Future<List<JsonObject>> replaceNotificationFilters(List<JsonObject> filters) {
      return guarded(() -> {
        JsonObject body = new JsonObject().put("notification_filters", new JsonArray(new ArrayList<>(filters)));
        return call("POST", "/user/{userId}/notification-filter-url", null, body)
            .map(reply -> unwrap(reply.getJsonArray("Response"), "NotificationFilterUrl"));
      });
    }

    /** The helper's future, failed rather than thrown when its arguments are bad. */
    private <T> Future<T> guarded(Supplier<Future<T>> helper) {
      try {
        return helper.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    private JsonObject request(String method, String path, JsonObject query) {
      JsonObject request = new JsonObject().put("tenant", tenant).put("user", user).put("method", method)
          .put("path", path);
      return query == null ? request : request.put("query", query);
    }

    private Future<JsonObject> send(JsonObject request) {
      if (request.getValue("body") == null) {
        request.remove("body");
      }
      request.put("timeoutMs", timeoutMs);
      String method = request.getString("method");
      return vertx.eventBus().<JsonObject>request(Addresses.API, request, delivery)
          .map(Message::body)
          .recover(failure -> Future.failedFuture(new BunqCallException(failure(failure, method, request),
              method)));
    }
  }

  /**
   * The failure as the connector sent it; a call that changes something and got no reply within
   * the timeout is {@code outcome-unknown}: the connector may have sent it, or may still be sending it.
   */
  private JsonObject failure(Throwable failure, String method, JsonObject request) {
    JsonObject read = BusFailures.read(failure);
    boolean noReply = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
    if (!noReply || "GET".equals(method)) {
      return read;
    }
    return read.put("code", ErrorCode.OUTCOME_UNKNOWN.wire()).put("error_description", new JsonArray().add(method
        + " " + request.getString("path") + " got no reply within " + timeoutMs + " ms: the connector may have sent"
        + " it, or may still be carrying it out (it starts no attempt after the timeout, but one under way goes"
        + " on). Read the resource (GET " + request.getString("path") + ") to see whether it exists before"
        + " repeating the call."));
  }

  private static String account(long accountId) {
    return "/user/{userId}/monetary-account/" + accountId;
  }

  private static List<JsonObject> unwrap(JsonArray items, String type) {
    List<JsonObject> objects = new ArrayList<>();
    for (Object item : items) {
      if (item instanceof JsonObject wrapper && wrapper.getValue(type) instanceof JsonObject inner) {
        objects.add(inner);
      }
    }
    return objects;
  }

  private static JsonObject first(JsonObject reply, String type) {
    List<JsonObject> objects = unwrap(reply.getJsonArray("Response"), type);
    if (objects.isEmpty()) {
      throw new IllegalStateException("bunq's answer holds no " + type);
    }
    return objects.get(0);
  }

  private static long createdId(JsonObject reply) {
    List<JsonObject> ids = unwrap(reply.getJsonArray("Response"), "Id");
    if (ids.isEmpty()) {
      throw new IllegalStateException("bunq's answer holds no Id of the created object");
    }
    return ids.get(0).getLong("id");
  }
}
