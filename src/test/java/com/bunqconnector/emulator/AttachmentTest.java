package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.ResourceCalls.accountPath;
import static com.bunqconnector.emulator.ResourceCalls.image;
import static com.bunqconnector.emulator.ResourceCalls.pdf;
import static com.bunqconnector.emulator.ResourceCalls.upload;
import static com.bunqconnector.emulator.ResourceCalls.uploadHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * attachment-public, avatar and a monetary account's attachment, over 127.0.0.1: files go up as raw
 * bodies and come back byte for byte, signed, and bad uploads get a 400 naming what is wrong. The
 * shared emulator checks signatures strictly (so a present one must hold over the binary body) and
 * holds at most {@link #STORAGE} bytes of files.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AttachmentTest {

  private static final long STORAGE = 300_000;
  private static final String PUBLIC = "/attachment-public";

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions().setStrictSignatures(true)
      .setAttachmentStorageBytes(STORAGE));
  private final TestClient alice = shared.alice;
  private final TestClient bob = shared.bob;

  @TempDir
  Path dir;

  @Test
  void anUploadedImageComesBackByteForByteUnderItsTypeAndSigned() {
    byte[] png = image("png", 3, 2);
    Reply uploaded = upload(alice, PUBLIC, png, "image/png", "a tiny test image", true);
    assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(200);
    assertThat(alice.serverSignatureValid(uploaded)).isTrue();
    String uuid = uploaded.item(0, "Uuid").getString("uuid");

    Reply metadata = bob.get(PUBLIC + "/" + uuid);
    assertThat(metadata.status()).as("public: another user reads it too; %s", metadata.text()).isEqualTo(200);
    JsonObject read = metadata.item(0, "AttachmentPublic");
    assertThat(read.fieldNames()).containsExactly("uuid", "created", "updated", "attachment");
    assertThat(read.getString("uuid")).isEqualTo(uuid);
    assertThat(read.getString("created")).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}")
        .isEqualTo(read.getString("updated"));
    assertThat(read.getJsonObject("attachment")).isEqualTo(new JsonObject().put("description", "a tiny test image")
        .put("content_type", "image/png").put("urls", new JsonArray()));

    Reply content = alice.get(PUBLIC + "/" + uuid + "/content");
    assertThat(content.status()).isEqualTo(200);
    assertThat(content.raw()).isEqualTo(png);
    assertThat(content.header("Content-Type")).isEqualTo("image/png");
    assertThat(alice.serverSignatureValid(content)).as("the signature covers the raw bytes").isTrue();
  }

  @Test
  void anAvatarShowsThePublicAttachmentAsItsImage() {
    String image = uuid(upload(alice, PUBLIC, image("gif", 5, 4), "image/gif", "avatar", false));
    Reply made = alice.send("POST", "/avatar", alice.sessionToken,
        new JsonObject().put("attachment_public_uuid", image).encode(), true);
    assertThat(made.status()).as(made.text()).isEqualTo(200);
    String avatar = made.item(0, "Uuid").getString("uuid");

    Reply read = bob.get("/avatar/" + avatar);
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(new JsonObject("""
        {"Response": [{"Avatar": {"uuid": "%s", "anchor_uuid": null, "image": [
          {"attachment_public_uuid": "%s", "content_type": "image/gif", "height": 4, "width": 5}]}}]}"""
        .formatted(avatar, image)));
  }

  @Test
  void badUploadsAreRefusedNamingWhatIsWrong() {
    byte[] png = image("png", 2, 2);
    assertRefused(upload(alice, PUBLIC, png, null, "no type", false), 400, "The Content-Type header is required");
    assertRefused(upload(alice, PUBLIC, png, "application/json", "json", false), 400,
        "The Content-Type application/json is not accepted for an attachment; send one of image/png, image/jpeg,"
            + " image/gif.");
    assertRefused(upload(alice, PUBLIC, png, "application/pdf", "a pdf is no public attachment", false), 400,
        "The Content-Type application/pdf is not accepted");
    assertRefused(upload(alice, PUBLIC, png, "image/png", null, false), 400,
        "The X-Bunq-Attachment-Description header is required");
    assertRefused(upload(alice, PUBLIC, new byte[0], "image/png", "empty", false), 400, "The request body is empty");
    assertRefused(upload(alice, PUBLIC, png, "image/jpeg", "a png called a jpeg", false), 400,
        "The request body is not a image/jpeg file, as its Content-Type says.");
    assertRefused(upload(alice, PUBLIC, "{\"json\":true}".getBytes(StandardCharsets.UTF_8), "image/png", "json",
        false), 400, "The request body is not a image/png file");
    assertRefused(upload(alice, PUBLIC, new byte[(int) EmulatorVerticle.BODY_LIMIT_BYTES + 1], "image/png", "big",
        false), 400, "The request body is larger than the limit of " + EmulatorVerticle.BODY_LIMIT_BYTES + " bytes.");
    assertRefused(alice.send("POST", "/avatar", alice.sessionToken, "{}", false), 400,
        "Field \"attachment_public_uuid\" is required.");
  }

  @Test
  void aDescriptionIsReadAsUtf8AndOneThatIsNotUtf8IsRefused() {
    String description = "Caf\u00e9 \u2615 receipt";
    String onTheWire = new String(description.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    Reply uploaded = alice.sendOverSocket("POST", PUBLIC, uploadHeaders("image/png", onTheWire), image("png", 2, 2));
    assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(200);
    assertThat(alice.get(PUBLIC + "/" + uuid(uploaded)).item(0, "AttachmentPublic").getJsonObject("attachment")
        .getString("description")).isEqualTo(description);

    assertRefused(alice.sendOverSocket("POST", PUBLIC, uploadHeaders("image/png", "Caf\u00e9 in Latin-1"),
        image("png", 2, 2)), 400, "The X-Bunq-Attachment-Description header is not UTF-8 text.");
  }

  @Test
  void unknownUuidsAndIdsAreNotFound() {
    String unknown = "f1e4a2b0-0000-4000-8000-000000000000";
    assertRefused(alice.get(PUBLIC + "/" + unknown), 404, "AttachmentPublic for id \"" + unknown + "\" not found.");
    assertRefused(alice.get(PUBLIC + "/" + unknown + "/content"), 404, "AttachmentPublic for id");
    assertRefused(alice.get("/avatar/" + unknown), 404, "Avatar for id \"" + unknown + "\" not found.");
    assertRefused(alice.send("POST", "/avatar", alice.sessionToken,
        new JsonObject().put("attachment_public_uuid", unknown).encode(), false), 404, "AttachmentPublic for id");
    assertRefused(alice.get(accountPath(alice) + "/attachment/999999/content"), 404,
        "Attachment for id \"999999\" not found.");
    assertRefused(alice.send("GET", PUBLIC + "/" + unknown, null, "", false), 403, "Insufficient authentication.");
  }

  @Test
  void aWrongSignatureOverABinaryBodyIsRefusedInStrictMode() {
    byte[] png = image("png", 4, 4);
    byte[] other = png.clone();
    other[other.length - 1] ^= 1;
    Reply refused = alice.sendBytes("POST", PUBLIC, alice.sessionToken, png, TestClient.sign(alice.keys.getPrivate(),
        other), uploadHeaders("image/png", "signed over other bytes"));
    assertRefused(refused, 401, "The request signature is invalid.");
    Reply signed = upload(alice, PUBLIC, png, "image/png", "signed over its bytes", true);
    assertThat(signed.status()).as(signed.text()).isEqualTo(200);
  }

  @Test
  void anAccountAttachmentIsReadBackOnlyThroughItsAccount() {
    byte[] pdf = pdf(1_000);
    Reply made = upload(alice, accountPath(alice) + "/attachment", pdf, "application/pdf", "invoice", true);
    assertThat(made.status()).as(made.text()).isEqualTo(200);
    long id = made.item(0, "Id").getLong("id");

    Reply content = alice.get(accountPath(alice) + "/attachment/" + id + "/content");
    assertThat(content.status()).isEqualTo(200);
    assertThat(content.raw()).isEqualTo(pdf);
    assertThat(content.header("Content-Type")).isEqualTo("application/pdf");
    assertThat(alice.serverSignatureValid(content)).isTrue();
    assertRefused(bob.get(accountPath(bob) + "/attachment/" + id + "/content"), 404, "Attachment for id");
    assertRefused(bob.get(accountPath(alice) + "/attachment/" + id + "/content"), 404, "User for id");
    assertRefused(upload(alice, accountPath(alice) + "/attachment", "not a pdf".getBytes(StandardCharsets.UTF_8),
        "application/pdf", "fake", false), 400, "The request body is not a application/pdf file");
  }

  @Test
  void uploadsBeyondTheStorageBoundAreRefused() {
    long id = shared.openAccount(bob, null);
    Reply first = upload(bob, accountPath(bob, id) + "/attachment", pdf(200_000), "application/pdf", "big", false);
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    Reply second = upload(bob, accountPath(bob, id) + "/attachment", pdf(200_000), "application/pdf", "big", false);
    assertRefused(second, 400, "The emulator holds at most " + STORAGE + " bytes of attachments");
    assertThat(second.errorDescription()).endsWith("this file of 200000 bytes does not fit.");
  }

  @Test
  void aRestartedDurableEmulatorKeepsAttachmentsAndAvatars() throws Exception {
    Vertx vertx = Vertx.vertx();
    BunqEmulator emulator = Emulators.start(vertx, new EmulatorOptions().setDataDir(dir));
    try {
      TestClient carol = TestClient.withSession(emulator.baseUrl());
      byte[] jpeg = image("jpeg", 8, 6);
      String image = uuid(upload(carol, PUBLIC, jpeg, "image/jpeg", "kept", true));
      String avatar = carol.send("POST", "/avatar", carol.sessionToken,
          new JsonObject().put("attachment_public_uuid", image).encode(), false).item(0, "Uuid").getString("uuid");
      byte[] pdf = pdf(500);
      long id = upload(carol, accountPath(carol) + "/attachment", pdf, "application/pdf", "kept", false)
          .item(0, "Id").getLong("id");
      Reply metadataBefore = carol.get(PUBLIC + "/" + image);
      Reply avatarBefore = carol.get("/avatar/" + avatar);

      int port = emulator.port();
      Emulators.stop(emulator);
      emulator = Emulators.start(vertx, new EmulatorOptions().setDataDir(dir).setPort(port));

      assertThat(carol.get(PUBLIC + "/" + image + "/content").raw()).isEqualTo(jpeg);
      assertThat(carol.get(PUBLIC + "/" + image).json()).isEqualTo(metadataBefore.json());
      assertThat(carol.get("/avatar/" + avatar).json()).isEqualTo(avatarBefore.json());
      assertThat(carol.get(accountPath(carol) + "/attachment/" + id + "/content").raw()).isEqualTo(pdf);
      String again = uuid(upload(carol, PUBLIC, jpeg, "image/jpeg", "after the restart", false));
      assertThat(again).isNotEqualTo(image);

      Emulators.stop(emulator);
      emulator = null;
      dropJournalEntries(AttachmentSnapshots.PUBLIC_ATTACHMENT);
      assertThatThrownBy(() -> Emulators.start(vertx, new EmulatorOptions().setDataDir(dir)))
          .hasMessageContaining("\"attachmentUuid\" names no public attachment");
    } finally {
      Emulators.stop(emulator);
      vertx.close().await(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void theStorageBoundIsAnOptionAndNeverNegative() {
    assertThat(new EmulatorOptions().getAttachmentStorageBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(new EmulatorOptions(new EmulatorOptions().setAttachmentStorageBytes(5).toJson())
        .getAttachmentStorageBytes()).isEqualTo(5);
    assertThatThrownBy(() -> new EmulatorOptions().setAttachmentStorageBytes(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("attachmentStorageBytes must be >= 0, was -1");
  }

  /** Removes the journal entries of {@code kind} and makes the state file vouch for what is left (and its digest). */
  private void dropJournalEntries(String kind) throws IOException {
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    StringBuilder kept = new StringBuilder();
    for (String line : Files.readString(journal).lines().toList()) {
      if (!new JsonObject(line).containsKey(kind)) {
        kept.append(line).append('\n');
      }
    }
    Files.writeString(journal, kept);
    Path state = dir.resolve(StateFile.FILE_NAME);
    Files.writeString(state, new JsonObject(Files.readString(state)).put("journalLength", Files.size(journal))
        .encode());
    SavedState.reseal(dir);
  }

  private static String uuid(Reply uploaded) {
    assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(200);
    return uploaded.item(0, "Uuid").getString("uuid");
  }

  private static void assertRefused(Reply reply, int status, String description) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.errorDescription()).startsWith(description);
  }
}
