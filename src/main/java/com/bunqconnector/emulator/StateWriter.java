package com.bunqconnector.emulator;

import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.Attachments.AccountAttachment;
import com.bunqconnector.emulator.Attachments.Avatar;
import com.bunqconnector.emulator.Attachments.PublicAttachment;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;

/**
 * Takes a snapshot of a durable emulator as the JSON of {@link StateFile}: every object with its
 * fields, objects referring to others by id, keys in PEM, amounts as decimal strings and instants in
 * ISO-8601. {@link StateReader} reads it back. Emulator context only.
 *
 * <p>Payments, card actions, events, installations and ended sessions never change once made: they go
 * to the journal once, and each snapshot carries only the ones made since the last save. TODO(#3): the
 * rest (accounts, active sessions, requests, drafts, ...) is written whole on every save, and the
 * journal is never compacted; that suits development and demo runs, but an emulator with very many
 * of those would want a change log with compaction for them too.
 */
final class StateWriter {

  private final EmulatorState state;
  private final OauthRegistry oauth;
  private final ResourceStore store;
  private final Seeder.Result seeded;
  /** The highest payment, card action and event ids in the journal on disk. */
  private long journaledPayment;
  private long journaledCardAction;
  private long journaledEvent;
  /**
   * The installations and ended sessions in the journal on disk, by id. (Their ids do not grow in the
   * order they are recorded: an installation waits for its key, a session ends at any time.)
   */
  private final Set<Long> journaledInstallations = new HashSet<>();
  private final Set<Long> journaledEndedSessions = new HashSet<>();
  /** How many of the files and avatars made are in the journal on disk ({@link Attachments#madeCount()}). */
  private int journaledAttachments;
  /**
   * How many were made when the last snapshot was taken; {@link Durability} writes one snapshot at a
   * time and reports it {@link #saved} before it takes the next.
   */
  private int attachmentsInSnapshot;

  /**
   * A snapshot: the changing state for the state file, the objects made since the last save for the
   * journal, the highest ids it journals and the installations and ended sessions it journals.
   */
  record Snapshot(JsonObject state, List<JsonObject> journal, long payment, long cardAction, long event,
      List<Long> installations, List<Long> endedSessions) {
  }

  /**
   * A writer for a state whose payments, card actions and events are all in the journal already.
   *
   * @param immutablesJournaled whether its installations and ended sessions are in the journal too (not
   *     for a state read from a format-1 file, which kept them in the state file)
   */
  StateWriter(EmulatorState state, OauthRegistry oauth, ResourceStore store, Seeder.Result seeded,
      boolean immutablesJournaled) {
    this.state = state;
    this.oauth = oauth;
    this.store = store;
    this.seeded = seeded;
    for (Map<Long, Payment> ofAccount : state.allPayments()) {
      for (long id : ofAccount.keySet()) {
        journaledPayment = Math.max(journaledPayment, id);
      }
    }
    journaledCardAction = store.lastCardActionId();
    journaledEvent = store.lastEventId();
    journaledAttachments = store.attachments().madeCount();
    if (immutablesJournaled) {
      state.installations().forEach(i -> journaledInstallations.add(i.id()));
      state.endedSessions().forEach(e -> journaledEndedSessions.add(e.id()));
    }
  }

  /** Records that {@code snapshot} is on disk: the next one journals only what is newer. */
  void saved(Snapshot snapshot) {
    journaledPayment = Math.max(journaledPayment, snapshot.payment());
    journaledCardAction = Math.max(journaledCardAction, snapshot.cardAction());
    journaledEvent = Math.max(journaledEvent, snapshot.event());
    journaledInstallations.addAll(snapshot.installations());
    journaledEndedSessions.addAll(snapshot.endedSessions());
    journaledAttachments = Math.max(journaledAttachments, attachmentsInSnapshot);
  }

  /**
   * The state as it is now, as JSON trees that may be encoded on another thread: mutable parts are
   * copied, and the JSON objects they share with the live state (payments, card actions, labels) are
   * never changed after they are made.
   */
  Snapshot snapshot() {
    JsonObject json = new JsonObject()
        .put("format", StateFile.FORMAT)
        .put("version", StateFile.VERSION)
        .put("savedAt", state.now().toString())
        .put("lastId", state.lastId())
        .put("lastAccountNumber", state.lastAccountNumber())
        .put("users", array(state.users(), StateWriter::user))
        .put("accounts", array(state.accounts(), StateWriter::account))
        .put("devices", array(state.devices(), StateWriter::device))
        .put("sessions", array(state.sessions(), StateWriter::session))
        .put("userFilters", filters(state.userFilters()))
        .put("accountFilters", filters(state.accountFilters()))
        .put("grantFilters", array(state.grantFilters(), g -> new JsonObject().put("grantId", g.grantId())
            .put("userId", g.userId()).put("filters", filterArray(g.filters()))))
        .put("pushFilters", categoryFilters(state.categoryFilters("push")))
        .put("emailFilters", categoryFilters(state.categoryFilters("email")))
        .put("oauthClients", array(oauth.clients(), StateWriter::client))
        .put("oauthCodes", array(oauth.codes(), StateWriter::code))
        .put("oauthGrants", array(oauth.grants(), StateWriter::grant))
        .put("requestInquiries", array(store.inquiries(), StateWriter::inquiry))
        .put("requestResponses", array(store.responses(), StateWriter::response))
        .put("draftPayments", array(store.drafts(), StateWriter::draft))
        .put("paymentBatches", array(store.batches(), b -> new JsonObject().put("id", b.id())
            .put("accountId", b.accountId()).put("paymentIds", new JsonArray(new ArrayList<>(b.paymentIds())))))
        .put("cards", cards())
        .put("failedCallbacks", array(store.failures(), StateWriter::failure))
        .put("pendingCallbacks", array(store.pendingCallbacks(), StateWriter::pending))
        .put("seededUsers", array(seeded.users(), StateWriter::seededUser))
        .put("seededOauthClients", array(seeded.oauthClients(), StateWriter::seededClient));
    Psd2Snapshots.write(state.psd2(), json);
    List<JsonObject> journal = new ArrayList<>();
    List<Long> installations = new ArrayList<>();
    for (Installation made : state.installations()) {
      if (!journaledInstallations.contains(made.id())) {
        journal.add(new JsonObject().put("installation", installation(made)));
        installations.add(made.id());
      }
    }
    List<Long> endedSessions = new ArrayList<>();
    for (Session ended : state.endedSessions()) {
      if (!journaledEndedSessions.contains(ended.id())) {
        journal.add(new JsonObject().put("endedSession", session(ended)));
        endedSessions.add(ended.id());
      }
    }
    if (journaledEndedSessions.size() > state.endedSessions().size()) {
      // The state forgot its oldest ended sessions; they never come back, so forget their ids here too.
      journaledEndedSessions.retainAll(Set.copyOf(state.endedSessions().stream().map(Session::id).toList()));
    }
    long payment = journaledPayment;
    for (NavigableMap<Long, Payment> ofAccount : state.allPayments()) {
      for (Payment made : ofAccount.tailMap(journaledPayment, false).values()) {
        journal.add(new JsonObject().put("payment", payment(made)));
        payment = Math.max(payment, made.id());
      }
    }
    long cardAction = journaledCardAction;
    for (CardAction made : store.cardActionsAfter(journaledCardAction)) {
      journal.add(new JsonObject().put("cardAction", cardAction(made)));
      cardAction = made.id();
    }
    long event = journaledEvent;
    for (Event made : store.eventsAfter(journaledEvent)) {
      journal.add(new JsonObject().put("event", event(made)));
      event = made.id();
    }
    journalAttachments(journal);
    return new Snapshot(json, journal, payment, cardAction, event, installations, endedSessions);
  }

  /**
   * Adds the files and avatars made since the last save to {@code journal}, in the order they were made:
   * like payments, they never change once made, so each goes to the journal once.
   */
  private void journalAttachments(List<JsonObject> journal) {
    List<Attachments.Made> made = store.attachments().madeAfter(journaledAttachments);
    made.forEach(m -> journal.add(attachmentEntry(m)));
    attachmentsInSnapshot = journaledAttachments + made.size();
  }

  private static JsonObject attachmentEntry(Attachments.Made made) {
    Base64.Encoder base64 = Base64.getEncoder();
    if (made instanceof PublicAttachment file) {
      return new JsonObject().put(StateReader.PUBLIC_ATTACHMENT, new JsonObject()
          .put("uuid", file.uuid())
          .put("created", time(file.created()))
          .put("contentType", file.contentType())
          .put("description", file.description())
          .put("width", file.width())
          .put("height", file.height())
          .put("content", base64.encodeToString(file.content().getBytes())));
    }
    if (made instanceof Avatar avatar) {
      return new JsonObject().put(StateReader.AVATAR, new JsonObject()
          .put("uuid", avatar.uuid())
          .put("created", time(avatar.created()))
          .put("attachmentUuid", avatar.image().uuid()));
    }
    AccountAttachment file = (AccountAttachment) made;
    return new JsonObject().put(StateReader.ACCOUNT_ATTACHMENT, new JsonObject()
        .put("id", file.id())
        .put("accountId", file.accountId())
        .put("created", time(file.created()))
        .put("contentType", file.contentType())
        .put("description", file.description())
        .put("content", base64.encodeToString(file.content().getBytes())));
  }

  private static <T> JsonArray array(Collection<T> items, Function<T, JsonObject> encoder) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(encoder.apply(item)));
    return array;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String amount(BigDecimal amount) {
    return amount == null ? null : amount.toPlainString();
  }

  private static JsonObject user(User user) {
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

  private static JsonObject account(Account account) {
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

  private static JsonObject installation(Installation installation) {
    return new JsonObject()
        .put("id", installation.id())
        .put("tokenId", installation.tokenId())
        .put("created", time(installation.created()))
        .put("token", installation.token())
        .put("clientPublicKey", RsaKeys.publicKeyToPem(installation.clientKey()))
        .put("serverPublicKey", RsaKeys.publicKeyToPem(installation.serverKeys().getPublic()))
        .put("serverPrivateKey", RsaKeys.privateKeyToPem(installation.serverKeys().getPrivate()));
  }

  private static JsonObject device(Device device) {
    return new JsonObject()
        .put("id", device.id())
        .put("created", time(device.created()))
        .put("description", device.description())
        .put("installationId", device.installationId())
        .put("apiKey", device.apiKey())
        .put("permittedIps", new JsonArray(new ArrayList<>(device.permittedIps())));
  }

  private static JsonObject session(Session session) {
    return new JsonObject()
        .put("id", session.id())
        .put("created", time(session.created()))
        .put("token", session.token())
        .put("installationId", session.installation().id())
        .put("userId", session.user().id())
        .put("expiresAt", time(session.expiresAt()))
        .put("grantId", session.grant() == null ? null : session.grant().id());
  }

  private static JsonObject payment(Payment payment) {
    return new JsonObject().put("id", payment.id()).put("accountId", payment.accountId()).put("json", payment.json());
  }

  private static JsonArray filters(Map<Long, List<Filter>> byOwner) {
    JsonArray array = new JsonArray();
    byOwner.forEach((owner, filters) -> array.add(new JsonObject().put("ownerId", owner)
        .put("filters", filterArray(filters))));
    return array;
  }

  private static JsonArray filterArray(List<Filter> filters) {
    return array(filters, f -> new JsonObject().put("id", f.id()).put("created", time(f.created()))
        .put("category", f.category()).put("target", f.target()));
  }

  private static JsonArray categoryFilters(Map<Long, List<String>> byOwner) {
    JsonArray array = new JsonArray();
    byOwner.forEach((owner, categories) -> array.add(new JsonObject().put("ownerId", owner)
        .put("categories", new JsonArray(new ArrayList<>(categories)))));
    return array;
  }

  private static JsonObject client(OauthClient client) {
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

  private static JsonObject code(AuthorizationCode code) {
    return new JsonObject()
        .put("code", code.code())
        .put("clientId", code.client().id)
        .put("redirectUri", code.redirectUri())
        .put("state", code.state())
        .put("grantedById", code.grantedBy().id())
        .put("expiresAt", time(code.expiresAt()));
  }

  private static JsonObject grant(Grant grant) {
    return new JsonObject()
        .put("id", grant.id())
        .put("created", time(grant.created()))
        .put("accessToken", grant.accessToken())
        .put("clientId", grant.client().id)
        .put("requestedById", grant.requestedBy().id())
        .put("grantedById", grant.grantedBy().id());
  }

  private static JsonObject inquiry(RequestInquiry inquiry) {
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

  private static JsonObject response(RequestResponse response) {
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

  private static JsonObject draft(DraftPayment draft) {
    return new JsonObject()
        .put("id", draft.id)
        .put("created", time(draft.created))
        .put("updated", time(draft.updated))
        .put("accountId", draft.account.id)
        .put("status", draft.status)
        .put("entries", array(draft.entries, StateWriter::entry))
        .put("responses", new JsonArray(new ArrayList<>(draft.responses)))
        .put("result", draft.result)
        .put("schedule", draft.schedule == null ? null : new JsonObject()
            .put("start", time(draft.schedule.start()))
            .put("end", time(draft.schedule.end()))
            .put("unit", draft.schedule.unit())
            .put("size", draft.schedule.size()));
  }

  private static JsonObject entry(DraftEntry entry) {
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

  private JsonArray cards() {
    return array(store.cards(), StateWriter::card);
  }

  /**
   * A card; {@code accountId} is the account it was ordered on ({@link StateReader} also reads the
   * cards of older files, which had only that, the id, the uuid, the expiry date and the second line).
   */
  private static JsonObject card(Card card) {
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

  private static JsonObject cardAction(CardAction action) {
    return new JsonObject().put("id", action.id()).put("accountId", action.accountId())
        .put("json", action.json());
  }

  private static JsonObject event(Event event) {
    return new JsonObject()
        .put("id", event.id())
        .put("created", time(event.created()))
        .put("userId", event.userId())
        .put("accountId", event.accountId())
        .put("objectType", event.objectType())
        .put("objectId", event.objectId());
  }

  private static JsonObject failure(FailedCallback failure) {
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

  private static JsonObject pending(CallbackSender.Pending pending) {
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

  private static JsonObject seededUser(SeededUser user) {
    return new JsonObject().put("kind", user.kind()).put("userId", user.userId())
        .put("displayName", user.displayName()).put("iban", user.iban()).put("apiKey", user.apiKey());
  }

  private static JsonObject seededClient(SeededOauthClient client) {
    return new JsonObject().put("id", client.id()).put("clientId", client.clientId())
        .put("clientSecret", client.clientSecret()).put("ownerUserId", client.ownerUserId())
        .put("redirectUris", new JsonArray(client.redirectUris()));
  }
}
