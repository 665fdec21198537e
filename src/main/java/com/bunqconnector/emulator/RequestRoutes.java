package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.RequestFlows.InquirySpec;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code request-inquiry} (create, list, read, revoke by PUT) and {@code request-response} (list,
 * read, answer by PUT: ACCEPTED, which moves money and so must be signed, or REJECTED).
 */
final class RequestRoutes {

  /** bunq's limit for request descriptions. */
  static final int MAX_DESCRIPTION = 9000;
  /** The writable fields of bunq's Address, in its schema's order. */
  private static final List<String> ADDRESS_FIELDS = List.of("street", "house_number", "po_box", "postal_code",
      "city", "country", "extra", "mailbox_name");
  private static final Set<String> REQUIRED_ADDRESS_FIELDS = Set.of("street", "house_number", "postal_code", "city",
      "country");
  private static final Set<String> ADDRESS_CHOICES = Set.of("BILLING", "SHIPPING", "BILLING_SHIPPING", "NONE",
      "OPTIONAL");

  private final ResourceStore store;
  private final Guard guard;
  private final RequestFlows flows;

  RequestRoutes(ResourceStore store, Guard guard, RequestFlows flows) {
    this.store = store;
    this.guard = guard;
    this.flows = flows;
  }

  void mount(Router router, Replies replies) {
    String inquiries = "/v1/user/:userID/monetary-account/:accountID/request-inquiry";
    router.post(inquiries).handler(replies.handler(this::createInquiry));
    router.get(inquiries).handler(replies.handler(this::listInquiries));
    router.get(inquiries + "/:itemID").handler(replies.handler(this::getInquiry));
    router.put(inquiries + "/:itemID").handler(replies.handler(this::revokeInquiry));
    String responses = "/v1/user/:userID/monetary-account/:accountID/request-response";
    router.get(responses).handler(replies.handler(this::listResponses));
    router.get(responses + "/:itemID").handler(replies.handler(this::getResponse));
    router.put(responses + "/:itemID").handler(replies.handler(this::answerResponse));
  }

  private Future<JsonObject> createInquiry(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      JsonObject body = Bodies.object(ctx, false);
      InquirySpec spec = new InquirySpec(
          Fields.positiveAmount(body, "amount_inquired"),
          Fields.pointer(body, "counterparty_alias"),
          Fields.description(body, "description", MAX_DESCRIPTION),
          Fields.requiredBoolean(body, "allow_bunqme"),
          Fields.optionalString(body, "merchant_reference"),
          Fields.optionalInt(body, "minimum_age", 12, 100),
          Fields.optionalChoice(body, "require_address", ADDRESS_CHOICES),
          Fields.optionalString(body, "redirect_url"));
      return Envelopes.response(Envelopes.id(flows.create(account, spec).id));
    });
  }

  private Future<JsonObject> listInquiries(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> listing(ctx,
        store.inquiriesOf(guard.account(ctx, guard.user(ctx, session)).id),
        i -> Envelopes.wrap("RequestInquiry", ResourceJson.requestInquiry(i))));
  }

  private Future<JsonObject> getInquiry(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> Envelopes.response(
        Envelopes.wrap("RequestInquiry", ResourceJson.requestInquiry(inquiry(ctx, session)))));
  }

  /** bunq's PUT on an inquiry only revokes it, and answers with the whole RequestInquiry. */
  private Future<JsonObject> revokeInquiry(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Guard.refuseForOauth(session, "revoke a request inquiry");
      RequestInquiry inquiry = inquiry(ctx, session);
      JsonObject body = Bodies.object(ctx, false);
      if (!"REVOKED".equals(Fields.optionalString(body, "status"))) {
        throw ApiError.badRequest("Field \"status\" must be REVOKED: a request inquiry can only be revoked.");
      }
      flows.revoke(inquiry);
      return Envelopes.response(Envelopes.wrap("RequestInquiry", ResourceJson.requestInquiry(inquiry)));
    });
  }

  private Future<JsonObject> listResponses(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> listing(ctx,
        store.responsesOf(guard.account(ctx, guard.user(ctx, session)).id),
        r -> Envelopes.wrap("RequestResponse", ResourceJson.requestResponse(r))));
  }

  private Future<JsonObject> getResponse(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> Envelopes.response(
        Envelopes.wrap("RequestResponse", ResourceJson.requestResponse(response(ctx, session)))));
  }

  /** Accepting pays the request, so like a payment it needs a valid signature (466 without one). */
  private Future<JsonObject> answerResponse(RoutingContext ctx) {
    return guard.authorise(ctx, "ACCEPTED".equals(peekStatus(ctx))).map(session -> {
      Guard.refuseForOauth(session, "answer a request");
      RequestResponse response = response(ctx, session);
      JsonObject body = Bodies.object(ctx, false);
      String status = Fields.optionalChoice(body, "status", Set.of("ACCEPTED", "REJECTED"));
      if (status == null) {
        throw ApiError.badRequest("Field \"status\" is required: ACCEPTED or REJECTED.");
      }
      if ("ACCEPTED".equals(status)) {
        BigDecimal amount = body.getValue("amount_responded") == null ? null
            : Fields.positiveAmount(body, "amount_responded");
        String required = response.inquiry.requireAddress;
        flows.accept(response, amount, address(body, "address_billing", required, "BILLING"),
            address(body, "address_shipping", required, "SHIPPING"));
      } else {
        flows.reject(response);
      }
      return Envelopes.response(Envelopes.wrap("RequestResponse", ResourceJson.requestResponse(response)));
    });
  }

  /**
   * The address the payer gives in {@code field} ({@code address_billing} or {@code address_shipping},
   * {@code kind} BILLING or SHIPPING) when accepting a request whose {@code require_address} is
   * {@code required}: needed when the request names that kind (or BILLING_SHIPPING), allowed when it
   * is OPTIONAL, refused when the request asks for no address. An address needs street, house
   * number, postal code, city and country, and may add {@code po_box}, {@code extra} and
   * {@code mailbox_name}.
   */
  static JsonObject address(JsonObject body, String field, String required, String kind) {
    Object value = body.getValue(field);
    boolean demanded = kind.equals(required) || "BILLING_SHIPPING".equals(required);
    String what = kind.toLowerCase(Locale.ROOT) + " address";
    if (value == null) {
      if (demanded) {
        throw ApiError.badRequest("Field \"" + field + "\" is required: the request asks for a " + what + ".");
      }
      return null;
    }
    if (!demanded && !"OPTIONAL".equals(required)) {
      throw ApiError.badRequest("Field \"" + field + "\" is not allowed: the request asks for no " + what + ".");
    }
    if (!(value instanceof JsonObject given)) {
      throw ApiError.badRequest("Field \"" + field + "\" must be an object.");
    }
    JsonObject address = new JsonObject();
    for (String part : given.fieldNames()) {
      if (!ADDRESS_FIELDS.contains(part)) {
        throw ApiError.badRequest("Field \"" + field + "." + part + "\" is not a field of an address.");
      }
    }
    for (String part : ADDRESS_FIELDS) {
      String text = Fields.optionalString(given, field + "." + part);
      if (text == null && REQUIRED_ADDRESS_FIELDS.contains(part)) {
        throw ApiError.badRequest("Field \"" + field + "." + part + "\" is required.");
      }
      address.put(part, text);
    }
    return address;
  }

  private RequestInquiry inquiry(RoutingContext ctx, Model.Session session) {
    Account account = guard.account(ctx, guard.user(ctx, session));
    String raw = ctx.pathParam("itemID");
    return store.inquiry(account.id, Fields.pathId(raw, "RequestInquiry"))
        .orElseThrow(() -> Fields.notFound("RequestInquiry", raw));
  }

  private RequestResponse response(RoutingContext ctx, Model.Session session) {
    Account account = guard.account(ctx, guard.user(ctx, session));
    String raw = ctx.pathParam("itemID");
    return store.response(account.id, Fields.pathId(raw, "RequestResponse"))
        .orElseThrow(() -> Fields.notFound("RequestResponse", raw));
  }

  /** The body's {@code status} if the body is a JSON object holding one; {@code null} otherwise. */
  static String peekStatus(RoutingContext ctx) {
    try {
      Object status = new JsonObject(Guard.rawBody(ctx)).getValue("status");
      return status instanceof String text ? text : null;
    } catch (RuntimeException e) {
      // Not JSON, or not an object: the strict parse after authorisation names the problem.
      return null;
    }
  }

  private static <T> JsonObject listing(RoutingContext ctx, NavigableMap<Long, T> all, Function<T, JsonObject> wrap) {
    Paging.Page<T> page = Paging.page(ctx.request().path(), ctx.queryParams(), all);
    return Envelopes.listing(page.items().stream().map(wrap).toList(), page.pagination());
  }
}
