package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.base64;
import static com.bunqconnector.emulator.StateFields.number;
import static com.bunqconnector.emulator.StateFields.text;
import static com.bunqconnector.emulator.StateFields.time;

import com.bunqconnector.emulator.Attachments.AccountAttachment;
import com.bunqconnector.emulator.Attachments.Avatar;
import com.bunqconnector.emulator.Attachments.PublicAttachment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The uploaded files and avatars of a durable emulator's state, three append-only
 * {@link StateKinds kinds} (none changes once made): public attachments, avatars and the attachments
 * of monetary accounts, with their contents in base64. Their journal records are named as the
 * journals of format 3 named them ({@link #PUBLIC_ATTACHMENT}, {@link #AVATAR},
 * {@link #ACCOUNT_ATTACHMENT}), so those journals read the same. An avatar names its image, a public
 * attachment restored before it.
 */
final class AttachmentSnapshots {

  static final String PUBLIC_ATTACHMENT = "attachmentPublic";
  static final String AVATAR = "avatar";
  static final String ACCOUNT_ATTACHMENT = "accountAttachment";

  private AttachmentSnapshots() {
  }

  static JsonObject publicAttachment(PublicAttachment file) {
    return new JsonObject()
        .put("uuid", file.uuid())
        .put("created", SavedJson.time(file.created()))
        .put("contentType", file.contentType())
        .put("description", file.description())
        .put("width", file.width())
        .put("height", file.height())
        .put("content", Base64.getEncoder().encodeToString(file.content().getBytes()));
  }

  static JsonObject avatar(Avatar avatar) {
    return new JsonObject()
        .put("uuid", avatar.uuid())
        .put("created", SavedJson.time(avatar.created()))
        .put("attachmentUuid", avatar.image().uuid());
  }

  static JsonObject accountAttachment(AccountAttachment file) {
    return new JsonObject()
        .put("id", file.id())
        .put("accountId", file.accountId())
        .put("created", SavedJson.time(file.created()))
        .put("contentType", file.contentType())
        .put("description", file.description())
        .put("content", Base64.getEncoder().encodeToString(file.content().getBytes()));
  }

  static void restorePublic(JsonObject j, Attachments attachments) {
    attachments.addPublic(new PublicAttachment(freeUuid(j, attachments), time(j, "created"), text(j, "contentType"),
        text(j, "description"), Buffer.buffer(base64(j, "content")), (int) number(j, "width"),
        (int) number(j, "height")));
  }

  static void restoreAvatar(JsonObject j, Attachments attachments) {
    String uuid = freeUuid(j, attachments);
    PublicAttachment image = attachments.publicAttachment(text(j, "attachmentUuid"))
        .orElseThrow(() -> new IllegalArgumentException("\"attachmentUuid\" names no public attachment"));
    attachments.addAvatar(new Avatar(uuid, time(j, "created"), image));
  }

  /** Restores an account's attachment; {@code id} and {@code accountId} were checked by the caller. */
  static void restoreAccountAttachment(JsonObject j, Attachments attachments, long id, long accountId) {
    attachments.addAccountAttachment(new AccountAttachment(id, accountId, time(j, "created"),
        text(j, "contentType"), text(j, "description"), Buffer.buffer(base64(j, "content"))));
  }

  /** The object's {@code uuid}, which no public attachment or avatar restored before may have. */
  private static String freeUuid(JsonObject j, Attachments attachments) {
    String uuid = text(j, "uuid");
    if (attachments.publicAttachment(uuid).isPresent() || attachments.avatar(uuid).isPresent()) {
      throw new IllegalArgumentException("\"uuid\" " + uuid + " is taken by another attachment or avatar");
    }
    return uuid;
  }
}
