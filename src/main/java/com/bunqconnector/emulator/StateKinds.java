package com.bunqconnector.emulator;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The kinds of object a durable emulator saves, as a table: each names its section in a base file
 * (and in a state file of format 1 to 3), the name of its journal records, the field that keys its
 * objects, how {@link StateWriter} lists them as JSON and how {@link StateReader} puts one back. The
 * table's order is the order of a restore: an object comes after those it refers to (sessions after
 * installations and grants, PSD2 credentials after their providers and installations, avatars after
 * the public attachments holding their images, events after what they tell of).
 *
 * <p>Adding a kind of object is one registration here, with a method in StateWriter that lists the
 * live objects and one in StateReader that restores one: {@link #changing} for objects that change
 * or go away ({@link ChangeLog} journals one when its JSON differs from what was written last, and
 * a delete when it is gone), {@link #appended} for objects that never change once made (journaled
 * once, with a second StateWriter method that lists those made since the last save). A kind added
 * later is missing from the files written before it, which then read as holding none of it; so a new
 * kind needs no new format version; a kind's section and record names, once written, stay as they
 * are, so that files written before read the same.
 */
final class StateKinds {

  /**
   * One kind of object.
   *
   * @param section the section of a base file holding the kind's objects
   * @param record the name of its journal records: {@code {"<record>": {...}}} puts an object
   * @param key the field that tells its objects apart; a journaled object replaces the one with its key
   * @param appendOnly whether its objects never change once made: journaled once each, never replaced
   * @param inEveryFile whether every state file of every format has its section (a missing one is
   *     then damage, not an older file)
   * @param live the objects as they are now
   * @param fresh for an append-only kind, the objects made since the last save; null otherwise
   * @param restore puts one object back
   */
  record Kind(String section, String record, String key, boolean appendOnly, boolean inEveryFile,
      Function<StateWriter, List<JsonObject>> live, Function<StateWriter, List<JsonObject>> fresh,
      BiConsumer<StateReader, JsonObject> restore) {

    /** The same kind, its section in every state file of every format. */
    Kind presentInEveryFile() {
      return new Kind(section, record, key, appendOnly, true, live, fresh, restore);
    }
  }

  /** Every kind, in the order of a restore. */
  static final List<Kind> ALL = List.of(
      changing("users", "user", "id", StateWriter::users, StateReader::restoreUser).presentInEveryFile(),
      changing("accounts", "account", "id", StateWriter::accounts, StateReader::restoreAccount).presentInEveryFile(),
      appended("installations", "installation", StateWriter::installations, StateWriter::newInstallations,
          StateReader::restoreInstallation),
      changing(Psd2Snapshots.PROVIDERS, "psd2Provider", "userId", StateWriter::psd2Providers,
          StateReader::restoreProvider),
      changing(Psd2Snapshots.CREDENTIALS, "psd2Credential", "id", StateWriter::psd2Credentials,
          StateReader::restoreCredential),
      changing("devices", "device", "id", StateWriter::devices, StateReader::restoreDevice).presentInEveryFile(),
      changing("oauthClients", "oauthClient", "id", StateWriter::oauthClients, StateReader::restoreClient)
          .presentInEveryFile(),
      changing("oauthGrants", "oauthGrant", "id", StateWriter::oauthGrants, StateReader::restoreGrant)
          .presentInEveryFile(),
      changing("oauthCodes", "oauthCode", "code", StateWriter::oauthCodes, StateReader::restoreCode)
          .presentInEveryFile(),
      changing("sessions", "session", "id", StateWriter::sessions, StateReader::restoreSession).presentInEveryFile(),
      appended("endedSessions", "endedSession", StateWriter::endedSessions, StateWriter::newEndedSessions,
          StateReader::restoreEndedSession),
      changing("userFilters", "userFilters", "ownerId", StateWriter::userFilters, StateReader::restoreUserFilters)
          .presentInEveryFile(),
      changing("accountFilters", "accountFilters", "ownerId", StateWriter::accountFilters,
          StateReader::restoreAccountFilters).presentInEveryFile(),
      changing("grantFilters", "grantFilters", "grantId", StateWriter::grantFilters,
          StateReader::restoreGrantFilters),
      changing("pushFilters", "pushFilters", "ownerId", StateWriter::pushFilters, StateReader::restorePushFilters),
      changing("emailFilters", "emailFilters", "ownerId", StateWriter::emailFilters,
          StateReader::restoreEmailFilters),
      changing("requestInquiries", "requestInquiry", "id", StateWriter::requestInquiries,
          StateReader::restoreInquiry).presentInEveryFile(),
      changing("requestResponses", "requestResponse", "id", StateWriter::requestResponses,
          StateReader::restoreResponse).presentInEveryFile(),
      changing("draftPayments", "draftPayment", "id", StateWriter::draftPayments, StateReader::restoreDraft)
          .presentInEveryFile(),
      changing("cards", "card", "id", StateWriter::cards, StateReader::restoreCard).presentInEveryFile(),
      appended("payments", "payment", StateWriter::payments, StateWriter::newPayments, StateReader::restorePayment),
      appended("cardActions", "cardAction", StateWriter::cardActions, StateWriter::newCardActions,
          StateReader::restoreCardAction),
      appended("publicAttachments", AttachmentSnapshots.PUBLIC_ATTACHMENT, "uuid", StateWriter::publicAttachments,
          StateWriter::newPublicAttachments, StateReader::restorePublicAttachment),
      appended("avatars", AttachmentSnapshots.AVATAR, "uuid", StateWriter::avatars, StateWriter::newAvatars,
          StateReader::restoreAvatar),
      appended("accountAttachments", AttachmentSnapshots.ACCOUNT_ATTACHMENT, StateWriter::accountAttachments,
          StateWriter::newAccountAttachments, StateReader::restoreAccountAttachment),
      changing("paymentBatches", "paymentBatch", "id", StateWriter::paymentBatches, StateReader::restoreBatch),
      appended("events", "event", StateWriter::events, StateWriter::newEvents, StateReader::restoreEvent),
      changing("failedCallbacks", "failedCallback", "id", StateWriter::failedCallbacks,
          StateReader::restoreFailure).presentInEveryFile(),
      changing("pendingCallbacks", "pendingCallback", "key", StateWriter::pendingCallbacks,
          StateReader::restorePending),
      changing("seededUsers", "seededUser", "userId", StateWriter::seededUsers, StateReader::restoreSeededUser)
          .presentInEveryFile(),
      changing("seededOauthClients", "seededOauthClient", "id", StateWriter::seededOauthClients,
          StateReader::restoreSeededClient).presentInEveryFile());

  private StateKinds() {
  }

  /** The kind whose journal records are named {@code record}. */
  static Optional<Kind> byRecord(String record) {
    return ALL.stream().filter(kind -> kind.record().equals(record)).findFirst();
  }

  /** A kind whose objects change or go away, told apart by {@code key}. */
  private static Kind changing(String section, String record, String key, Function<StateWriter, List<JsonObject>> live,
      BiConsumer<StateReader, JsonObject> restore) {
    return new Kind(section, record, key, false, false, live, null, restore);
  }

  /** A kind whose objects never change once made, told apart by their {@code "id"}. */
  private static Kind appended(String section, String record, Function<StateWriter, List<JsonObject>> live,
      Function<StateWriter, List<JsonObject>> fresh, BiConsumer<StateReader, JsonObject> restore) {
    return appended(section, record, "id", live, fresh, restore);
  }

  /** A kind whose objects never change once made, told apart by {@code key}. */
  private static Kind appended(String section, String record, String key,
      Function<StateWriter, List<JsonObject>> live, Function<StateWriter, List<JsonObject>> fresh,
      BiConsumer<StateReader, JsonObject> restore) {
    return new Kind(section, record, key, true, false, live, fresh, restore);
  }
}
