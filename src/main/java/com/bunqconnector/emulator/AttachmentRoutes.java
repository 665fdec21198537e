package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Attachments.AccountAttachment;
import com.bunqconnector.emulator.Attachments.Avatar;
import com.bunqconnector.emulator.Attachments.PublicAttachment;
import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Replies.Raw;
import com.bunqconnector.emulator.Uploads.Size;
import com.bunqconnector.emulator.Uploads.Upload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * bunq's files: {@code attachment-public} (an image uploaded as the raw body, read back as its
 * metadata or its bytes), {@code avatar} (made of a public attachment) and a monetary account's
 * {@code attachment} with its {@code content}. An upload answers {@code Uuid} (public) or {@code Id}
 * (account), as bunq's SDKs read them; the bytes come back as they were sent, under their own
 * Content-Type and signed like every answer. Public attachments and avatars are public: any session
 * reads them by uuid.
 *
 * <p>The bytes of a file are checked on a worker thread (an image is read for its size); uploads that
 * would take the files the emulator holds beyond {@link EmulatorOptions#getAttachmentStorageBytes()}
 * are refused with a 400 (the emulator's text; bunq has no such bound to report).
 */
final class AttachmentRoutes {

  private static final String PUBLIC = "AttachmentPublic";

  private final Vertx vertx;
  private final EmulatorState state;
  private final Attachments attachments;
  private final Guard guard;
  private final long storageBytes;

  AttachmentRoutes(Vertx vertx, EmulatorState state, Attachments attachments, Guard guard, long storageBytes) {
    this.vertx = vertx;
    this.state = state;
    this.attachments = attachments;
    this.guard = guard;
    this.storageBytes = storageBytes;
  }

  void mount(Router router, Replies replies) {
    router.post("/v1/attachment-public").handler(replies.handler(this::createPublic));
    router.get("/v1/attachment-public/:uuid").handler(replies.handler(this::getPublic));
    router.get("/v1/attachment-public/:uuid/content").handler(replies.rawHandler(this::publicContent));
    router.post("/v1/avatar").handler(replies.handler(this::createAvatar));
    router.get("/v1/avatar/:uuid").handler(replies.handler(this::getAvatar));
    String account = "/v1/user/:userID/monetary-account/:accountID/attachment";
    router.post(account).handler(replies.handler(this::createForAccount));
    router.get(account + "/:attachmentID/content").handler(replies.rawHandler(this::accountContent));
  }

  private Future<JsonObject> createPublic(RoutingContext ctx) {
    return guard.authorise(ctx, false).compose(session -> {
      Upload upload = Uploads.read(ctx, Uploads.IMAGES);
      return checked(upload).map(size -> {
        PublicAttachment made = new PublicAttachment(UUID.randomUUID().toString(), state.now(), upload.contentType(),
            upload.description(), upload.content(), size.width(), size.height());
        attachments.addPublic(made);
        return Envelopes.response(Envelopes.wrap("Uuid", new JsonObject().put("uuid", made.uuid())));
      });
    });
  }

  private Future<JsonObject> getPublic(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      PublicAttachment attachment = publicAttachment(ctx.pathParam("uuid"));
      return Envelopes.response(Envelopes.wrap(PUBLIC, new JsonObject()
          .put("uuid", attachment.uuid())
          .put("created", Timestamps.format(attachment.created()))
          .put("updated", Timestamps.format(attachment.created()))
          .put("attachment", metadata(attachment.description(), attachment.contentType()))));
    });
  }

  private Future<Raw> publicContent(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      PublicAttachment attachment = publicAttachment(ctx.pathParam("uuid"));
      return new Raw(attachment.contentType(), attachment.content());
    });
  }

  private Future<JsonObject> createAvatar(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      String uuid = Bodies.string(Bodies.object(ctx, false), "attachment_public_uuid");
      Avatar avatar = new Avatar(UUID.randomUUID().toString(), state.now(), publicAttachment(uuid));
      attachments.addAvatar(avatar);
      return Envelopes.response(Envelopes.wrap("Uuid", new JsonObject().put("uuid", avatar.uuid())));
    });
  }

  private Future<JsonObject> getAvatar(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      String raw = ctx.pathParam("uuid");
      Avatar avatar = attachments.avatar(raw).orElseThrow(() -> Fields.notFound("Avatar", raw));
      return Envelopes.response(Envelopes.wrap("Avatar", avatar(avatar)));
    });
  }

  private Future<JsonObject> createForAccount(RoutingContext ctx) {
    return guard.authorise(ctx, false).compose(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      Upload upload = Uploads.read(ctx, Uploads.DOCUMENTS);
      return checked(upload).map(size -> {
        AccountAttachment made = new AccountAttachment(state.nextId(), account.id, state.now(), upload.contentType(),
            upload.description(), upload.content());
        attachments.addAccountAttachment(made);
        return Envelopes.response(Envelopes.id(made.id()));
      });
    });
  }

  private Future<Raw> accountContent(RoutingContext ctx) {
    return guard.authorise(ctx, false).map(session -> {
      Account account = guard.account(ctx, guard.user(ctx, session));
      String raw = ctx.pathParam("attachmentID");
      AccountAttachment attachment = attachments.accountAttachment(account.id, Fields.pathId(raw, "Attachment"))
          .orElseThrow(() -> Fields.notFound("Attachment", raw));
      return new Raw(attachment.contentType(), attachment.content());
    });
  }

  /**
   * The upload's bytes checked against its type on a worker thread; back on the emulator's context,
   * refused when they would take the files held beyond the bound.
   */
  private Future<Size> checked(Upload upload) {
    return vertx.executeBlocking(() -> Uploads.check(upload), false).map(size -> {
      long after = attachments.totalBytes() + upload.content().length();
      if (after > storageBytes) {
        throw ApiError.badRequest("The emulator holds at most " + storageBytes + " bytes of attachments, "
            + attachments.totalBytes() + " of them in use; this file of " + upload.content().length()
            + " bytes does not fit.");
      }
      return size;
    });
  }

  private PublicAttachment publicAttachment(String uuid) {
    return attachments.publicAttachment(uuid).orElseThrow(() -> Fields.notFound(PUBLIC, uuid));
  }

  /**
   * bunq's Attachment object. Its {@code urls} are where bunq's file store serves the file; the
   * emulator has no such store (the content endpoints serve the bytes), so it lists none.
   */
  private static JsonObject metadata(String description, String contentType) {
    return new JsonObject().put("description", description).put("content_type", contentType)
        .put("urls", new JsonArray());
  }

  /** bunq's Avatar object: not anchored to another object, its image the public attachment's. */
  private static JsonObject avatar(Avatar avatar) {
    PublicAttachment image = avatar.image();
    return new JsonObject()
        .put("uuid", avatar.uuid())
        .put("anchor_uuid", null)
        .put("image", new JsonArray(List.of(new JsonObject()
            .put("attachment_public_uuid", image.uuid())
            .put("content_type", image.contentType())
            .put("height", image.height())
            .put("width", image.width()))));
  }
}
