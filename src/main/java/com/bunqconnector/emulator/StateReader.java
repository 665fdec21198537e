package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.amount;
import static com.bunqconnector.emulator.StateFields.array;
import static com.bunqconnector.emulator.StateFields.base64;
import static com.bunqconnector.emulator.StateFields.number;
import static com.bunqconnector.emulator.StateFields.object;
import static com.bunqconnector.emulator.StateFields.optionalAmount;
import static com.bunqconnector.emulator.StateFields.optionalObject;
import static com.bunqconnector.emulator.StateFields.optionalText;
import static com.bunqconnector.emulator.StateFields.optionalTime;
import static com.bunqconnector.emulator.StateFields.text;
import static com.bunqconnector.emulator.StateFields.time;

import com.bunqconnector.crypto.RsaKeys;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.AuthorizationCode;
import com.bunqconnector.emulator.Model.Device;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.GrantFilters;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.OauthClient;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.CardAction;
import com.bunqconnector.emulator.ResourceModel.DraftEntry;
import com.bunqconnector.emulator.ResourceModel.DraftPayment;
import com.bunqconnector.emulator.ResourceModel.Event;
import com.bunqconnector.emulator.ResourceModel.FailedCallback;
import com.bunqconnector.emulator.ResourceModel.PaymentBatch;
import com.bunqconnector.emulator.ResourceModel.Pointer;
import com.bunqconnector.emulator.ResourceModel.RequestInquiry;
import com.bunqconnector.emulator.ResourceModel.RequestResponse;
import com.bunqconnector.emulator.ResourceModel.Schedule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Puts a saved state ({@link StateLog}) back into a fresh emulator's state, OAuth registry and
 * resource store, references resolved by id, with a method per {@link StateKinds kind} that restores
 * one object. Anything missing, mistyped or pointing nowhere fails with an
 * {@link IllegalArgumentException} naming where the object was read (section and index, or journal
 * line) and the field; so
 * do an id above {@code lastId} or an emulator IBAN above {@code lastAccountNumber} (new objects
 * would take them and overwrite what holds them) and an id (or IBAN) that two objects of a kind share
 * ({@link IssuedIds}).
 */
final class StateReader {

  private final EmulatorState state;
  private final OauthRegistry oauth;
  private final ResourceStore store;
  private final Map<Long, Installation> installations = new HashMap<>();
  private final Map<Long, OauthClient> clients = new HashMap<>();
  private final Map<Long, Grant> grants = new HashMap<>();
  private final Map<Long, RequestInquiry> inquiries = new HashMap<>();
  private final Map<Long, RequestResponse> responses = new HashMap<>();
  private final Map<Long, Payment> payments = new HashMap<>();
  private final List<SeededUser> seededUsers = new ArrayList<>();
  private final List<SeededOauthClient> seededClients = new ArrayList<>();
  private IssuedIds ids;

  StateReader(EmulatorState state, OauthRegistry oauth, ResourceStore store) {
    this.state = state;
    this.oauth = oauth;
    this.store = store;
  }

  /**
   * Restores the counters of {@code json} (a state file already checked for format and version by
   * {@link StateFile}) and the objects of {@code saved}, kind by kind in the order of
   * {@link StateKinds#ALL}.
   *
   * @return the users and OAuth clients the first start seeded
   * @throws IllegalArgumentException naming what is wrong and where it was read
   */
  Seeder.Result restore(JsonObject json, StateLog saved) {
    long lastId = number(json, "lastId");
    long lastAccountNumber = number(json, "lastAccountNumber");
    ids = new IssuedIds(lastId, lastAccountNumber);
    state.restoreCounters(lastId, lastAccountNumber);
    for (StateKinds.Kind kind : StateKinds.ALL) {
      for (StateLog.Item item : saved.items(kind)) {
        try {
          kind.restore().accept(this, item.json());
        } catch (IllegalArgumentException | ClassCastException e) {
          throw new IllegalArgumentException(item.origin() + ": " + e.getMessage(), e);
        }
      }
    }
    return new Seeder.Result(List.copyOf(seededUsers), List.copyOf(seededClients));
  }

  void restoreUser(JsonObject j) {
    state.restoreUser(user(j));
  }

  void restoreAccount(JsonObject j) {
    state.restoreAccount(account(j));
  }

  void restoreInstallation(JsonObject j) {
    Installation installation = installation(j);
    installations.put(installation.id(), installation);
    state.addInstallation(installation);
  }

  void restoreProvider(JsonObject j) {
    Psd2Snapshots.restoreProvider(j, state);
  }

  void restoreCredential(JsonObject j) {
    Psd2Snapshots.restoreCredential(j, state, ids, installations);
  }

  void restoreDevice(JsonObject j) {
    state.putDevice(device(j));
  }

  void restoreClient(JsonObject j) {
    OauthClient client = client(j);
    clients.put(client.id, client);
    oauth.restoreClient(client);
  }

  void restoreGrant(JsonObject j) {
    Grant grant = grant(j);
    grants.put(grant.id(), grant);
    oauth.restoreGrant(grant);
  }

  void restoreCode(JsonObject j) {
    oauth.restoreCode(code(j));
  }

  void restoreSession(JsonObject j) {
    state.addSession(session(j));
  }

  void restoreEndedSession(JsonObject j) {
    state.restoreEndedSession(session(j));
  }

  void restoreUserFilters(JsonObject j) {
    state.replaceFilters(user(j, "ownerId").id(), filters(j));
  }

  void restoreAccountFilters(JsonObject j) {
    state.replaceAccountFilters(account(j, "ownerId").id, filters(j));
  }

  void restoreGrantFilters(JsonObject j) {
    Grant grant = grants.get(number(j, "grantId"));
    if (grant == null || grant.grantedBy().id() != user(j, "userId").id()) {
      throw new IllegalArgumentException("\"grantId\" names no OAuth grant of user \"userId\"");
    }
    state.restoreGrantFilters(new GrantFilters(grant.id(), grant.grantedBy().id(), filters(j)));
  }

  void restorePushFilters(JsonObject j) {
    restoreCategoryFilters("push", j);
  }

  void restoreEmailFilters(JsonObject j) {
    restoreCategoryFilters("email", j);
  }

  private void restoreCategoryFilters(String kind, JsonObject j) {
    long owner = number(j, "ownerId");
    if (state.user(owner).isEmpty() && !grants.containsKey(owner)) {
      throw new IllegalArgumentException("\"ownerId\" names no user and no OAuth grant");
    }
    state.replaceCategoryFilters(kind, owner, array(j, "categories").stream().map(String::valueOf).toList());
  }

  void restoreInquiry(JsonObject j) {
    RequestInquiry inquiry = inquiry(j);
    inquiries.put(inquiry.id, inquiry);
    store.addInquiry(inquiry);
  }

  void restoreResponse(JsonObject j) {
    RequestResponse response = response(j);
    responses.put(response.id, response);
    response.inquiry.response = response;
    store.addResponse(response);
  }

  void restoreDraft(JsonObject j) {
    store.addDraft(draft(j));
  }

  void restoreCard(JsonObject j) {
    store.addCard(CardSnapshots.read(j, this, ids));
  }

  void restorePayment(JsonObject j) {
    Payment payment = new Payment(ids.id(j, "payment"), account(j, "accountId").id, object(j, "json"));
    payments.put(payment.id(), payment);
    state.addPayment(payment);
  }

  void restoreCardAction(JsonObject j) {
    store.addCardAction(new CardAction(ids.id(j, "MasterCard action"), account(j, "accountId").id,
        object(j, "json")));
  }

  void restorePublicAttachment(JsonObject j) {
    AttachmentSnapshots.restorePublic(j, store.attachments());
  }

  void restoreAvatar(JsonObject j) {
    AttachmentSnapshots.restoreAvatar(j, store.attachments());
  }

  void restoreAccountAttachment(JsonObject j) {
    AttachmentSnapshots.restoreAccountAttachment(j, store.attachments(), ids.id(j, "attachment"),
        account(j, "accountId").id);
  }

  void restoreBatch(JsonObject j) {
    store.addBatch(batch(j));
  }

  void restoreEvent(JsonObject j) {
    store.addEvent(event(j));
  }

  void restoreFailure(JsonObject j) {
    store.putFailure(failure(j));
  }

  void restorePending(JsonObject j) {
    store.putPending(pending(j));
  }

  void restoreSeededUser(JsonObject j) {
    seededUsers.add(new SeededUser(text(j, "kind"), number(j, "userId"), text(j, "displayName"),
        optionalText(j, "iban"), text(j, "apiKey")));
  }

  void restoreSeededClient(JsonObject j) {
    seededClients.add(new SeededOauthClient(number(j, "id"), text(j, "clientId"), text(j, "clientSecret"),
        number(j, "ownerUserId"), array(j, "redirectUris").stream().map(String::valueOf).toList()));
  }

  /** Restores each object of the array {@code section} of {@code json}, errors naming its index. */
  static void each(JsonObject json, String section, Consumer<JsonObject> restore) {
    JsonArray items = array(json, section);
    for (int i = 0; i < items.size(); i++) {
      try {
        if (!(items.getValue(i) instanceof JsonObject item)) {
          throw new IllegalArgumentException("is not an object");
        }
        restore.accept(item);
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new IllegalArgumentException(section + "[" + i + "]: " + e.getMessage(), e);
      }
    }
  }

  private User user(JsonObject j) {
    Kind kind = Kind.fromSeedName(text(j, "kind"));
    return new User(ids.id(j, "user"), time(j, "created"), text(j, "publicUuid"), kind, text(j, "name"),
        text(j, "email"), text(j, "phone"), text(j, "apiKey"), (int) number(j, "sessionTimeoutSeconds"));
  }

  private Account account(JsonObject j) {
    Account account = new Account(ids.id(j, "monetary account"), time(j, "created"), text(j, "publicUuid"),
        ids.iban(j), user(j, "ownerId"), amount(j, "balance"));
    account.updated = time(j, "updated");
    account.description = text(j, "description");
    account.dailyLimit = amount(j, "dailyLimit");
    account.status = text(j, "status");
    account.subStatus = text(j, "subStatus");
    account.reason = optionalText(j, "reason");
    account.reasonDescription = optionalText(j, "reasonDescription");
    account.setting = object(j, "setting");
    return account;
  }

  private Installation installation(JsonObject j) {
    KeyPair serverKeys = new KeyPair(RsaKeys.publicKeyFromPem(text(j, "serverPublicKey")),
        RsaKeys.privateKeyFromPem(text(j, "serverPrivateKey")));
    return new Installation(ids.id(j, "installation"), ids.issued(j, "tokenId"), time(j, "created"), text(j, "token"),
        RsaKeys.publicKeyFromPem(text(j, "clientPublicKey")), serverKeys);
  }

  private Device device(JsonObject j) {
    return new Device(ids.issued(j, "id"), time(j, "created"), text(j, "description"), number(j, "installationId"),
        text(j, "apiKey"), array(j, "permittedIps").stream().map(String::valueOf).toList());
  }

  private Session session(JsonObject j) {
    Installation installation = installations.get(number(j, "installationId"));
    if (installation == null) {
      throw new IllegalArgumentException("\"installationId\" names no installation");
    }
    Long grantId = j.getLong("grantId");
    Grant grant = grantId == null ? null : grants.get(grantId);
    if (grantId != null && grant == null) {
      throw new IllegalArgumentException("\"grantId\" names no OAuth grant");
    }
    return new Session(ids.issued(j, "id"), time(j, "created"), text(j, "token"), installation, user(j, "userId"),
        time(j, "expiresAt"), grant);
  }

  private List<Filter> filters(JsonObject j) {
    List<Filter> filters = new ArrayList<>();
    each(j, "filters", f -> filters.add(new Filter(ids.issued(f, "id"), time(f, "created"), text(f, "category"),
        text(f, "target"))));
    return filters;
  }

  private OauthClient client(JsonObject j) {
    OauthClient client = new OauthClient(ids.id(j, "OAuth client"), time(j, "created"), text(j, "clientId"),
        text(j, "secret"), user(j, "ownerId"));
    client.updated = time(j, "updated");
    client.status = text(j, "status");
    each(j, "callbackUrls", u -> {
      long id = ids.issued(u, "id");
      if (client.callbackUrls.containsKey(id)) {
        throw new IllegalArgumentException("\"id\" " + id + " is taken by another callback URL of the client");
      }
      client.callbackUrls.put(id, text(u, "url"));
    });
    return client;
  }

  private OauthClient client(JsonObject j, String field) {
    OauthClient client = clients.get(number(j, field));
    if (client == null) {
      throw new IllegalArgumentException("\"" + field + "\" names no OAuth client");
    }
    return client;
  }

  private Grant grant(JsonObject j) {
    return new Grant(ids.id(j, "OAuth grant"), time(j, "created"), text(j, "accessToken"), client(j, "clientId"),
        user(j, "requestedById"), user(j, "grantedById"));
  }

  private AuthorizationCode code(JsonObject j) {
    return new AuthorizationCode(text(j, "code"), client(j, "clientId"), text(j, "redirectUri"),
        optionalText(j, "state"), user(j, "grantedById"), time(j, "expiresAt"));
  }

  private RequestInquiry inquiry(JsonObject j) {
    Object minimumAge = j.getValue("minimumAge");
    RequestInquiry inquiry = new RequestInquiry(ids.id(j, "request inquiry"), time(j, "created"),
        account(j, "accountId"), amount(j, "amountInquired"), j.getJsonObject("counterpartyLabel"),
        optionalText(j, "description"), optionalText(j, "merchantReference"),
        minimumAge == null ? null : (int) number(j, "minimumAge"), optionalText(j, "requireAddress"),
        optionalText(j, "redirectUrl"), optionalText(j, "bunqmeShareUrl"));
    inquiry.updated = time(j, "updated");
    inquiry.timeResponded = optionalTime(j, "timeResponded");
    inquiry.amountResponded = optionalAmount(j, "amountResponded");
    inquiry.addressBilling = optionalObject(j, "addressBilling");
    inquiry.addressShipping = optionalObject(j, "addressShipping");
    inquiry.status = text(j, "status");
    return inquiry;
  }

  private RequestResponse response(JsonObject j) {
    RequestInquiry inquiry = inquiries.get(number(j, "inquiryId"));
    if (inquiry == null) {
      throw new IllegalArgumentException("\"inquiryId\" names no request inquiry");
    }
    RequestResponse response = new RequestResponse(ids.id(j, "request response"), time(j, "created"),
        account(j, "accountId"), inquiry);
    response.updated = time(j, "updated");
    response.timeResponded = optionalTime(j, "timeResponded");
    response.amountResponded = optionalAmount(j, "amountResponded");
    response.status = text(j, "status");
    response.eventId = number(j, "eventId");
    return response;
  }

  private DraftPayment draft(JsonObject j) {
    List<DraftEntry> entries = new ArrayList<>();
    each(j, "entries", e -> entries.add(entry(e)));
    DraftPayment draft = new DraftPayment(ids.id(j, "draft payment"), time(j, "created"), account(j, "accountId"),
        entries);
    draft.updated = time(j, "updated");
    draft.status = text(j, "status");
    each(j, "responses", draft.responses::add);
    draft.result = j.getJsonObject("result");
    JsonObject schedule = optionalObject(j, "schedule");
    if (schedule != null) {
      draft.schedule = new Schedule(time(schedule, "start"), optionalTime(schedule, "end"), text(schedule, "unit"),
          (int) number(schedule, "size"));
    }
    return draft;
  }

  private DraftEntry entry(JsonObject j) {
    JsonObject pointer = object(j, "pointer");
    Account payee = j.getValue("payeeId") == null ? null : account(j, "payeeId");
    return new DraftEntry(ids.issued(j, "id"), amount(j, "amount"),
        new Pointer(text(pointer, "type"), text(pointer, "value"), optionalText(pointer, "name")), payee,
        j.getJsonObject("counterpartyLabel"), optionalText(j, "description"), optionalText(j, "merchantReference"),
        text(j, "type"));
  }

  private PaymentBatch batch(JsonObject j) {
    long accountId = account(j, "accountId").id;
    List<Long> paymentIds = new ArrayList<>();
    JsonArray listed = array(j, "paymentIds");
    for (int i = 0; i < listed.size(); i++) {
      if (!(listed.getValue(i) instanceof Number id) || payments.get(id.longValue()) == null
          || payments.get(id.longValue()).accountId() != accountId) {
        throw new IllegalArgumentException("\"paymentIds\"[" + i + "] names no payment of the account");
      }
      paymentIds.add(id.longValue());
    }
    return new PaymentBatch(ids.id(j, "payment batch"), accountId, paymentIds);
  }

  /** An event with the same view of its object that the live emulator gave it. */
  private Event event(JsonObject j) {
    long accountId = account(j, "accountId").id;
    long objectId = number(j, "objectId");
    String type = text(j, "objectType");
    Supplier<JsonObject> object;
    BooleanSupplier awaitingReply = () -> false;
    switch (type) {
      case "Payment" -> object = found(payments.get(objectId), type)::json;
      case "MasterCardAction" -> object = found(store.cardAction(accountId, objectId).orElse(null), type)::json;
      case "RequestInquiry" -> {
        RequestInquiry inquiry = found(inquiries.get(objectId), type);
        object = () -> ResourceJson.requestInquiry(inquiry);
      }
      case "RequestResponse" -> {
        RequestResponse response = found(responses.get(objectId), type);
        object = () -> ResourceJson.requestResponse(response);
        awaitingReply = () -> "PENDING".equals(response.status);
      }
      case "DraftPayment" -> {
        DraftPayment draft = found(store.draft(objectId).orElse(null), type);
        object = () -> ResourceJson.draftPayment(draft);
        awaitingReply = () -> "PENDING".equals(draft.status);
      }
      default -> throw new IllegalArgumentException("\"objectType\" " + type + " is not one the emulator records");
    }
    return new Event(ids.id(j, "event"), time(j, "created"), user(j, "userId").id(), accountId, type, objectId,
        object, awaitingReply);
  }

  private static <T> T found(T object, String type) {
    if (object == null) {
      throw new IllegalArgumentException("\"objectId\" names no " + type);
    }
    return object;
  }

  private FailedCallback failure(JsonObject j) {
    Object code = j.getValue("responseCode");
    byte[] body = base64(j, "body");
    return new FailedCallback(ids.id(j, "failed callback"), time(j, "created"), time(j, "updated"),
        user(j, "userId").id(), text(j, "target"), text(j, "category"), text(j, "eventType"), number(j, "objectId"),
        text(j, "exceptionMessage"), code == null ? null : (int) number(j, "responseCode"), Buffer.buffer(body));
  }

  private CallbackSender.Pending pending(JsonObject j) {
    Long failureId = j.getValue("failureId") == null ? null : number(j, "failureId");
    return new CallbackSender.Pending(number(j, "key"), user(j, "userId").id(), text(j, "target"),
        text(j, "category"), text(j, "eventType"), number(j, "objectId"), Buffer.buffer(base64(j, "body")), failureId,
        optionalTime(j, "failureCreated"), (int) number(j, "attempts"));
  }

  /** The user {@code field} names; one restored before. */
  User user(JsonObject j, String field) {
    return state.user(number(j, field))
        .orElseThrow(() -> new IllegalArgumentException("\"" + field + "\" names no user"));
  }

  /** The monetary account {@code field} names; one restored before. */
  Account account(JsonObject j, String field) {
    return state.account(number(j, field))
        .orElseThrow(() -> new IllegalArgumentException("\"" + field + "\" names no monetary account"));
  }
}
