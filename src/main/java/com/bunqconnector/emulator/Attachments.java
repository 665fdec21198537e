package com.bunqconnector.emulator;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files uploaded to the emulator: public attachments (found by uuid by any session, as bunq's
 * avatars need), the avatars made of them, and the attachments of monetary accounts. None of them
 * changes once made, so a durable emulator journals each once, in the order they were made
 * ({@link #madeAfter}). The bytes of every file are counted ({@link #totalBytes}) so that the routes
 * can bound what the emulator holds. Not thread-safe: used only on the emulator verticle's context.
 */
final class Attachments {

  /** Something uploaded or made of an upload; journaled once. */
  sealed interface Made permits PublicAttachment, Avatar, AccountAttachment {
  }

  /**
   * An AttachmentPublic: an image anyone with a session may read by its uuid. {@code content} is never
   * changed once made; {@code width} and {@code height} are the image's size in pixels.
   */
  record PublicAttachment(String uuid, Instant created, String contentType, String description, Buffer content,
      int width, int height) implements Made {
  }

  /** An Avatar: a public uuid naming the public attachment that holds its image. */
  record Avatar(String uuid, Instant created, PublicAttachment image) implements Made {
  }

  /** An attachment of a monetary account, for its payments and requests; {@code content} is never changed. */
  record AccountAttachment(long id, long accountId, Instant created, String contentType, String description,
      Buffer content) implements Made {
  }

  private final Map<String, PublicAttachment> publicByUuid = new HashMap<>();
  private final Map<String, Avatar> avatarsByUuid = new HashMap<>();
  private final Map<Long, AccountAttachment> accountById = new HashMap<>();
  private final List<Made> made = new ArrayList<>();
  private long totalBytes;

  /** Keeps a new (or, for a restored one, an earlier) public attachment. */
  void addPublic(PublicAttachment attachment) {
    publicByUuid.put(attachment.uuid(), attachment);
    totalBytes += attachment.content().length();
    made.add(attachment);
  }

  Optional<PublicAttachment> publicAttachment(String uuid) {
    return Optional.ofNullable(publicByUuid.get(uuid));
  }

  void addAvatar(Avatar avatar) {
    avatarsByUuid.put(avatar.uuid(), avatar);
    made.add(avatar);
  }

  Optional<Avatar> avatar(String uuid) {
    return Optional.ofNullable(avatarsByUuid.get(uuid));
  }

  void addAccountAttachment(AccountAttachment attachment) {
    accountById.put(attachment.id(), attachment);
    totalBytes += attachment.content().length();
    made.add(attachment);
  }

  /** The attachment with this id on this account. */
  Optional<AccountAttachment> accountAttachment(long accountId, long id) {
    return Optional.ofNullable(accountById.get(id)).filter(a -> a.accountId() == accountId);
  }

  /** The bytes of every file held. */
  long totalBytes() {
    return totalBytes;
  }

  /** How many objects have been made (or restored) so far. */
  int madeCount() {
    return made.size();
  }

  /** The objects made after the first {@code count}, in the order they were made; a copy. */
  List<Made> madeAfter(int count) {
    return List.copyOf(made.subList(Math.min(count, made.size()), made.size()));
  }
}
