package com.bunqconnector.emulator;

import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.AuthorizationCode;
import com.bunqconnector.emulator.Model.Device;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON of one object of a durable emulator's state, as {@link StateWriter} lists it and
 * {@link StateReader} reads it back: objects referring to others by id, keys in PEM, amounts as
 * decimal strings, instants in ISO-8601 and bytes in base64.
 */
final class SavedJson {

  private SavedJson() {
  }

  static <T> JsonArray array(Collection<T> items, Function<T, JsonObject> encoder) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(encoder.apply(item)));
    return array;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static String amount(BigDecimal amount) {
    return amount == null ? null : amount.toPlainString();
  }

  static JsonObject user(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("created", time(user.created()))
        .put("publicUuid", user.publicUuid())
        .put("kind", user.kind().seedName)
        .put("name", user.name())
        .put("email", user.email())
        .put("phone", user.phone())
        .put("apiKey", user.apiKey())
        .put("sessionTimeoutSeconds", user.sessionTimeoutSeconds());
  }

  static JsonObject account(Account account) {
    return new JsonObject()
        .put("id", account.id)
        .put("created", time(account.created))
        .put("updated", time(account.updated))
        .put("publicUuid", account.publicUuid)
        .put("iban", account.iban)
        .put("ownerId", account.owner.id())
        .put("balance", amount(account.balance))
        .put("description", account.description)
        .put("dailyLimit", amount(account.dailyLimit))
        .put("status", account.status)
        .put("subStatus", account.subStatus)
        .put("reason", account.reason)
        .put("reasonDescription", account.reasonDescription)
        .put("setting", account.setting.copy());
  }

  static JsonObject installation(Installation installation) {
    return new JsonObject()
        .put("id", installation.id())
        .put("tokenId", installation.tokenId())
        .put("created", time(installation.created()))
        .put("token", installation.token())
        .put("clientPublicKey", RsaKeys.publicKeyToPem(installation.clientKey()))
        .put("serverPublicKey", RsaKeys.publicKeyToPem(installation.serverKeys().getPublic()))
        .put("serverPrivateKey", RsaKeys.privateKeyToPem(installation.serverKeys().getPrivate()));
  }

  static JsonObject device(Device device) {
    return new JsonObject()
        .put("id", device.id())
        .put("created", time(device.created()))
        .put("description", device.description())
        .put("installationId", device.installationId())
        .put("apiKey", device.apiKey())
        .put("permittedIps", new JsonArray(new ArrayList<>(device.permittedIps())));
  }

  static JsonObject session(Session session) {
    return new JsonObject()
        .put("id", session.id())
        .put("created", time(session.created()))
        .put("token", session.token())
        .put("installationId", session.installation().id())
        .put("userId", session.user().id())
        .put("expiresAt", time(session.expiresAt()))
        .put("grantId", session.grant() == null ? null : session.grant().id());
  }

  static JsonObject payment(Payment payment) {
    return new JsonObject().put("id", payment.id()).put("accountId", payment.accountId()).put("json", payment.json());
  }

  static List<JsonObject> filters(Map<Long, List<Filter>> byOwner) {
    List<JsonObject> list = new ArrayList<>();
    byOwner.forEach((owner, filters) -> list.add(new JsonObject().put("ownerId", owner)
        .put("filters", filterArray(filters))));
    return list;
  }

  static JsonArray filterArray(List<Filter> filters) {
    return array(filters, f -> new JsonObject().put("id", f.id()).put("created", time(f.created()))
        .put("category", f.category()).put("target", f.target()));
  }

  static List<JsonObject> categoryFilters(Map<Long, List<String>> byOwner) {
    List<JsonObject> list = new ArrayList<>();
    byOwner.forEach((owner, categories) -> list.add(new JsonObject().put("ownerId", owner)
        .put("categories", new JsonArray(new ArrayList<>(categories)))));
    return list;
  }

  static JsonObject client(OauthClient client) {
    JsonArray urls = new JsonArray();
    client.callbackUrls.forEach((id, url) -> urls.add(new JsonObject().put("id", id).put("url", url)));
    return new JsonObject()
        .put("id", client.id)
        .put("created", time(client.created))
        .put("updated", time(client.updated))
        .put("clientId", client.clientId)
        .put("secret", client.secret)
        .put("ownerId", client.owner.id())
        .put("status", client.status)
        .put("callbackUrls", urls);
  }

  static JsonObject code(AuthorizationCode code) {
    return new JsonObject()
        .put("code", code.code())
        .put("clientId", code.client().id)
        .put("redirectUri", code.redirectUri())
        .put("state", code.state())
        .put("grantedById", code.grantedBy().id())
        .put("expiresAt", time(code.expiresAt()));
  }

  static JsonObject grant(Grant grant) {
    return new JsonObject()
        .put("id", grant.id())
        .put("created", time(grant.created()))
        .put("accessToken", grant.accessToken())
        .put("clientId", grant.client().id)
        .put("requestedById", grant.requestedBy().id())
        .put("grantedById", grant.grantedBy().id());
  }

  static JsonObject inquiry(RequestInquiry inquiry) {
    return new JsonObject()
        .put("id", inquiry.id)
        .put("created", time(inquiry.created))
        .put("updated", time(inquiry.updated))
        .put("accountId", inquiry.account.id)
        .put("amountInquired", amount(inquiry.amountInquired))
        .put("counterpartyLabel", inquiry.counterpartyLabel)
        .put("description", inquiry.description)
        .put("merchantReference", inquiry.merchantReference)
        .put("minimumAge", inquiry.minimumAge)
        .put("requireAddress", inquiry.requireAddress)
        .put("redirectUrl", inquiry.redirectUrl)
        .put("bunqmeShareUrl", inquiry.bunqmeShareUrl)
        .put("timeResponded", time(inquiry.timeResponded))
        .put("amountResponded", amount(inquiry.amountResponded))
        .put("addressBilling", inquiry.addressBilling)
        .put("addressShipping", inquiry.addressShipping)
        .put("status", inquiry.status);
  }

  static JsonObject response(RequestResponse response) {
    return new JsonObject()
        .put("id", response.id)
        .put("created", time(response.created))
        .put("updated", time(response.updated))
        .put("accountId", response.account.id)
        .put("inquiryId", response.inquiry.id)
        .put("timeResponded", time(response.timeResponded))
        .put("amountResponded", amount(response.amountResponded))
        .put("status", response.status)
        .put("eventId", response.eventId);
  }

  static JsonObject draft(DraftPayment draft) {
    return new JsonObject()
        .put("id", draft.id)
        .put("created", time(draft.created))
        .put("updated", time(draft.updated))
        .put("accountId", draft.account.id)
        .put("status", draft.status)
        .put("entries", array(draft.entries, SavedJson::entry))
        .put("responses", new JsonArray(new ArrayList<>(draft.responses)))
        .put("result", draft.result)
        .put("schedule", draft.schedule == null ? null : new JsonObject()
            .put("start", time(draft.schedule.start()))
            .put("end", time(draft.schedule.end()))
            .put("unit", draft.schedule.unit())
            .put("size", draft.schedule.size()));
  }

  static JsonObject entry(DraftEntry entry) {
    return new JsonObject()
        .put("id", entry.id())
        .put("amount", amount(entry.amount()))
        .put("pointer", new JsonObject().put("type", entry.pointer().type()).put("value", entry.pointer().value())
            .put("name", entry.pointer().name()))
        .put("payeeId", entry.payee() == null ? null : entry.payee().id)
        .put("counterpartyLabel", entry.counterpartyLabel())
        .put("description", entry.description())
        .put("merchantReference", entry.merchantReference())
        .put("type", entry.type());
  }

  /**
   * A card; {@code accountId} is the account it was ordered on ({@link CardSnapshots} also reads the
   * cards of older files, which had only that, the id, the uuid, the expiry date and the second line).
   */
  static JsonObject card(Card card) {
    JsonArray pins = new JsonArray();
    card.pins.forEach(p -> pins.add(new JsonObject().put("type", p.type()).put("routingType", p.routingType())
        .put("accountId", p.accountId())));
    return new JsonObject()
        .put("accountId", card.orderedAccountId)
        .put("id", card.id)
        .put("uuid", card.publicUuid)
        .put("expiryDate", card.expiryDate)
        .put("secondLine", card.secondLine)
        .put("created", time(card.created))
        .put("updated", time(card.updated))
        .put("ownerId", card.owner.id())
        .put("type", card.type)
        .put("productType", card.productType)
        .put("nameOnCard", card.nameOnCard)
        .put("preferredNameOnCard", card.preferredNameOnCard)
        .put("panId", card.panId)
        .put("fourDigit", card.fourDigit)
        .put("status", card.status)
        .put("orderStatus", card.orderStatus)
        .put("pins", pins)
        .put("fallbackAccountId", card.fallbackAccountId)
        .put("limit", amount(card.limit))
        .put("limitAtm", amount(card.limitAtm));
  }

  static JsonObject cardAction(CardAction action) {
    return new JsonObject().put("id", action.id()).put("accountId", action.accountId())
        .put("json", action.json());
  }

  static JsonObject event(Event event) {
    return new JsonObject()
        .put("id", event.id())
        .put("created", time(event.created()))
        .put("userId", event.userId())
        .put("accountId", event.accountId())
        .put("objectType", event.objectType())
        .put("objectId", event.objectId());
  }

  static JsonObject failure(FailedCallback failure) {
    return new JsonObject()
        .put("id", failure.id())
        .put("created", time(failure.created()))
        .put("updated", time(failure.updated()))
        .put("userId", failure.userId())
        .put("target", failure.target())
        .put("category", failure.category())
        .put("eventType", failure.eventType())
        .put("objectId", failure.objectId())
        .put("exceptionMessage", failure.exceptionMessage())
        .put("responseCode", failure.responseCode())
        .put("body", Base64.getEncoder().encodeToString(failure.body().getBytes()));
  }

  static JsonObject pending(CallbackSender.Pending pending) {
    return new JsonObject()
        .put("key", pending.key)
        .put("userId", pending.userId)
        .put("target", pending.target)
        .put("category", pending.category)
        .put("eventType", pending.eventType)
        .put("objectId", pending.objectId)
        .put("body", Base64.getEncoder().encodeToString(pending.body.getBytes()))
        .put("failureId", pending.failureId)
        .put("failureCreated", time(pending.failureCreated))
        .put("attempts", pending.attempts);
  }

  static JsonObject seededUser(SeededUser user) {
    return new JsonObject().put("kind", user.kind()).put("userId", user.userId())
        .put("displayName", user.displayName()).put("iban", user.iban()).put("apiKey", user.apiKey());
  }

  static JsonObject seededClient(SeededOauthClient client) {
    return new JsonObject().put("id", client.id()).put("clientId", client.clientId())
        .put("clientSecret", client.clientSecret()).put("ownerUserId", client.ownerUserId())
        .put("redirectUris", new JsonArray(client.redirectUris()));
  }
}
