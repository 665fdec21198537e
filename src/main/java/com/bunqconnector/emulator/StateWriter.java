package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Attachments.AccountAttachment;
import com.bunqconnector.emulator.Attachments.Avatar;
import com.bunqconnector.emulator.Attachments.PublicAttachment;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Takes a snapshot of a durable emulator: every object as JSON, per {@link StateKinds kind}, objects
 * referring to others by id, keys in PEM, amounts as decimal strings and instants in ISO-8601.
 * {@link ChangeLog} writes it, {@link StateReader} reads it back. Emulator context only.
 *
 * <p>Objects that change or go away (users, accounts, live sessions, requests, drafts, filters, cards,
 * PSD2 providers, ...) are listed whole in every snapshot, in memory; the change log writes only those
 * whose JSON differs from what it wrote last. Objects that never change once made (payments, card
 * actions, events, installations, ended sessions, uploaded files and avatars) are listed only when made
 * since the last save, except in a snapshot for a compaction, which lists every one. Each kind has a
 * method here that lists its live objects (and, for an append-only kind, one that lists the new ones),
 * named in {@link StateKinds}.
 */
final class StateWriter {

  private final EmulatorState state;
  private final OauthRegistry oauth;
  private final ResourceStore store;
  private final Seeder.Result seeded;
  /** The highest payment, card action and event ids on disk. */
  private long journaledPayment;
  private long journaledCardAction;
  private long journaledEvent;
  /**
   * The installations and ended sessions on disk, by id. (Their ids do not grow in the order they are
   * recorded: an installation waits for its key, a session ends at any time.)
   */
  private final Set<Long> journaledInstallations = new HashSet<>();
  private final Set<Long> journaledEndedSessions = new HashSet<>();
  /** How many of the files and avatars made are on disk ({@link Attachments#madeCount()}). */
  private int journaledAttachments;
  /** Whether the next snapshot is for a compaction: every object, the append-only ones included. */
  private boolean compactNext;

  /**
   * A snapshot: the counters for the state file and the objects per kind's section (for an append-only
   * kind the new ones, or with {@code full} every one).
   */
  record Snapshot(JsonObject head, Map<String, List<JsonObject>> objects, boolean full) {

    List<JsonObject> of(StateKinds.Kind kind) {
      return objects.get(kind.section());
    }
  }

  /**
   * A writer for a state all of whose objects are on disk (just restored, or seeded and not yet
   * saved, which the first, full snapshot then writes).
   *
   * @param compactFirst whether the first snapshot is for a compaction: there is no base yet, or the
   *     state was read from a file of format 1 to 3
   */
  StateWriter(EmulatorState state, OauthRegistry oauth, ResourceStore store, Seeder.Result seeded,
      boolean compactFirst) {
    this.state = state;
    this.oauth = oauth;
    this.store = store;
    this.seeded = seeded;
    this.compactNext = compactFirst;
    for (Map<Long, Payment> ofAccount : state.allPayments()) {
      for (long id : ofAccount.keySet()) {
        journaledPayment = Math.max(journaledPayment, id);
      }
    }
    journaledCardAction = store.lastCardActionId();
    journaledEvent = store.lastEventId();
    state.installations().forEach(i -> journaledInstallations.add(i.id()));
    state.endedSessions().forEach(e -> journaledEndedSessions.add(e.id()));
    journaledAttachments = store.attachments().madeCount();
  }

  /**
   * Records that {@code snapshot} is on disk: the next one lists only what is newer, and is for a
   * compaction if {@code compactNext}.
   */
  void saved(Snapshot snapshot, boolean compactNext) {
    journaledPayment = Math.max(journaledPayment, highestId(snapshot.objects().get("payments")));
    journaledCardAction = Math.max(journaledCardAction, highestId(snapshot.objects().get("cardActions")));
    journaledEvent = Math.max(journaledEvent, highestId(snapshot.objects().get("events")));
    snapshot.objects().get("installations").forEach(i -> journaledInstallations.add(i.getLong("id")));
    snapshot.objects().get("endedSessions").forEach(e -> journaledEndedSessions.add(e.getLong("id")));
    int attachments = Stream.of("publicAttachments", "avatars", "accountAttachments")
        .mapToInt(section -> snapshot.objects().get(section).size()).sum();
    journaledAttachments = (snapshot.full() ? 0 : journaledAttachments) + attachments;
    this.compactNext = compactNext;
  }

  /** Makes the next snapshot list only the changes again, after the compaction of a full one failed. */
  void compactionPostponed() {
    compactNext = false;
  }

  private static long highestId(List<JsonObject> objects) {
    return objects.stream().mapToLong(j -> j.getLong("id")).max().orElse(0);
  }

  /**
   * The state as it is now, as JSON trees that may be encoded on another thread: mutable parts are
   * copied, and the JSON objects they share with the live state (payments, card actions, labels) are
   * never changed after they are made.
   */
  Snapshot snapshot() {
    JsonObject head = new JsonObject()
        .put("format", StateFile.FORMAT)
        .put("version", StateFile.VERSION)
        .put("savedAt", state.now().toString())
        .put("lastId", state.lastId())
        .put("lastAccountNumber", state.lastAccountNumber());
    Map<String, List<JsonObject>> objects = new LinkedHashMap<>();
    for (StateKinds.Kind kind : StateKinds.ALL) {
      objects.put(kind.section(), (kind.appendOnly() && !compactNext ? kind.fresh() : kind.live()).apply(this));
    }
    return new Snapshot(head, objects, compactNext);
  }

  List<JsonObject> users() {
    return list(state.users(), SavedJson::user);
  }

  List<JsonObject> accounts() {
    return list(state.accounts(), SavedJson::account);
  }

  List<JsonObject> devices() {
    return list(state.devices(), SavedJson::device);
  }

  List<JsonObject> sessions() {
    return list(state.sessions(), SavedJson::session);
  }

  List<JsonObject> userFilters() {
    return SavedJson.filters(state.userFilters());
  }

  List<JsonObject> accountFilters() {
    return SavedJson.filters(state.accountFilters());
  }

  List<JsonObject> grantFilters() {
    return list(state.grantFilters(), g -> new JsonObject().put("grantId", g.grantId()).put("userId", g.userId())
        .put("filters", SavedJson.filterArray(g.filters())));
  }

  List<JsonObject> pushFilters() {
    return SavedJson.categoryFilters(state.categoryFilters("push"));
  }

  List<JsonObject> emailFilters() {
    return SavedJson.categoryFilters(state.categoryFilters("email"));
  }

  List<JsonObject> oauthClients() {
    return list(oauth.clients(), SavedJson::client);
  }

  List<JsonObject> oauthCodes() {
    return list(oauth.codes(), SavedJson::code);
  }

  List<JsonObject> oauthGrants() {
    return list(oauth.grants(), SavedJson::grant);
  }

  List<JsonObject> requestInquiries() {
    return list(store.inquiries(), SavedJson::inquiry);
  }

  List<JsonObject> requestResponses() {
    return list(store.responses(), SavedJson::response);
  }

  List<JsonObject> draftPayments() {
    return list(store.drafts(), SavedJson::draft);
  }

  List<JsonObject> paymentBatches() {
    return list(store.batches(), b -> new JsonObject().put("id", b.id()).put("accountId", b.accountId())
        .put("paymentIds", new JsonArray(new ArrayList<>(b.paymentIds()))));
  }

  List<JsonObject> cards() {
    return list(store.cards(), SavedJson::card);
  }

  List<JsonObject> psd2Providers() {
    return list(state.psd2().providers(), Psd2Snapshots::provider);
  }

  List<JsonObject> psd2Credentials() {
    return list(state.psd2().credentials(), Psd2Snapshots::credential);
  }

  List<JsonObject> failedCallbacks() {
    return list(store.failures(), SavedJson::failure);
  }

  List<JsonObject> pendingCallbacks() {
    return list(store.pendingCallbacks(), SavedJson::pending);
  }

  List<JsonObject> seededUsers() {
    return list(seeded.users(), SavedJson::seededUser);
  }

  List<JsonObject> seededOauthClients() {
    return list(seeded.oauthClients(), SavedJson::seededClient);
  }

  List<JsonObject> installations() {
    return list(state.installations(), SavedJson::installation);
  }

  List<JsonObject> newInstallations() {
    return list(state.installations().stream().filter(i -> !journaledInstallations.contains(i.id())).toList(),
        SavedJson::installation);
  }

  List<JsonObject> endedSessions() {
    return list(state.endedSessions(), SavedJson::session);
  }

  List<JsonObject> newEndedSessions() {
    if (journaledEndedSessions.size() > state.endedSessions().size()) {
      // The state forgot its oldest ended sessions; they never come back, so forget their ids here too.
      journaledEndedSessions.retainAll(Set.copyOf(state.endedSessions().stream().map(Session::id).toList()));
    }
    return list(state.endedSessions().stream().filter(e -> !journaledEndedSessions.contains(e.id())).toList(),
        SavedJson::session);
  }

  List<JsonObject> payments() {
    return paymentsAfter(0);
  }

  List<JsonObject> newPayments() {
    return paymentsAfter(journaledPayment);
  }

  private List<JsonObject> paymentsAfter(long id) {
    List<JsonObject> payments = new ArrayList<>();
    for (NavigableMap<Long, Payment> ofAccount : state.allPayments()) {
      ofAccount.tailMap(id, false).values().forEach(made -> payments.add(SavedJson.payment(made)));
    }
    return payments;
  }

  List<JsonObject> cardActions() {
    return list(store.cardActionsAfter(0), SavedJson::cardAction);
  }

  List<JsonObject> newCardActions() {
    return list(store.cardActionsAfter(journaledCardAction), SavedJson::cardAction);
  }

  List<JsonObject> events() {
    return list(store.eventsAfter(0), SavedJson::event);
  }

  List<JsonObject> newEvents() {
    return list(store.eventsAfter(journaledEvent), SavedJson::event);
  }

  List<JsonObject> publicAttachments() {
    return made(0, PublicAttachment.class, AttachmentSnapshots::publicAttachment);
  }

  List<JsonObject> newPublicAttachments() {
    return made(journaledAttachments, PublicAttachment.class, AttachmentSnapshots::publicAttachment);
  }

  List<JsonObject> avatars() {
    return made(0, Avatar.class, AttachmentSnapshots::avatar);
  }

  List<JsonObject> newAvatars() {
    return made(journaledAttachments, Avatar.class, AttachmentSnapshots::avatar);
  }

  List<JsonObject> accountAttachments() {
    return made(0, AccountAttachment.class, AttachmentSnapshots::accountAttachment);
  }

  List<JsonObject> newAccountAttachments() {
    return made(journaledAttachments, AccountAttachment.class, AttachmentSnapshots::accountAttachment);
  }

  /** The files and avatars of {@code type} made after the first {@code count}, in the order they were made. */
  private <T extends Attachments.Made> List<JsonObject> made(int count, Class<T> type,
      Function<T, JsonObject> encoder) {
    return list(store.attachments().madeAfter(count).stream().filter(type::isInstance).map(type::cast).toList(),
        encoder);
  }

  private static <T> List<JsonObject> list(Collection<T> items, Function<T, JsonObject> encoder) {
    List<JsonObject> list = new ArrayList<>(items.size());
    items.forEach(item -> list.add(encoder.apply(item)));
    return list;
  }
}
