package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A durable emulator's files: what a crashed write leaves is ignored, they are its owner's alone, a
 * damaged one (or a journal without its state file) fails the start naming the file and what is wrong
 * (and is left as it is), and one directory serves one emulator at a time, which stops writing when its
 * lock file is replaced.
 */
class DurableStateFileTest extends DurableEmulatorTestBase {

  @Test
  void leftoverTemporaryFileOfACrashedWriteIsIgnoredAndRemoved() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    Emulators.stop(emulator);
    Path temp = dir.resolve(StateFile.FILE_NAME + ".tmp");
    Files.writeString(temp, "{\"format\":\"bunq-emulator-state\",\"version\":1,\"users\":[{\"id\":");

    emulator = start(0);

    assertThat(temp).doesNotExist();
    TestClient again = TestClient.withSession(emulator.baseUrl(), alice.apiKey);
    assertThat(again.userId).isEqualTo(alice.userId);
  }

  @Test
  void journalBytesBeyondWhatTheStateFileVouchesForAreCutOff() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    assertThat(alice.pay(Emulators.payment("1.00", "IBAN", bob.iban, "kept").encode()).status()).isEqualTo(200);
    int port = emulator.port();
    Emulators.stop(emulator);
    emulator = null;
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    long vouched = Files.size(journal);
    Files.writeString(journal, "{\"payment\":{\"id\":99999999,\"accountId\":1,\"js", StandardOpenOption.APPEND);

    emulator = start(port);

    assertThat(Files.size(journal)).isGreaterThanOrEqualTo(vouched);
    assertThat(Files.readString(journal)).doesNotContain("99999999");
    assertThat(alice.get(alice.paymentsPath()).items()).hasSize(1);
    Emulators.stop(emulator);
    emulator = null;
    Files.write(journal, Arrays.copyOf(Files.readAllBytes(journal), (int) vouched - 10));
    assertStartFails("bytes of " + journal + ", which has only");
  }

  @Test
  void stateJournalBaseAndLockAreReadableByTheirOwnerOnly() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    payOut(alice, "1.00");

    for (String name : List.of(StateFile.FILE_NAME, StateFile.JOURNAL_NAME, StateFile.baseName(1),
        StateFile.LOCK_NAME)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
          .as(name).isEqualTo("rw-------");
    }
  }

  @Test
  void damagedStateFileFailsTheStartNamingTheFileAndLeavesItAlone() throws Exception {
    Path file = dir.resolve(StateFile.FILE_NAME);
    Files.writeString(file, "{\"format\":\"bunq-emulator-state\",\"version\":1,\"users\":[");
    assertStartFails("is not a JSON object");
    assertThat(Files.readString(file)).endsWith("\"users\":[");

    Files.writeString(file, "{\"users\":[]}");
    assertStartFails("is not a bunq emulator state file");

    int newer = StateFile.VERSION + 1;
    Files.writeString(file, "{\"format\":\"bunq-emulator-state\",\"version\":" + newer + "}");
    assertStartFails("format version " + newer + " by a newer emulator");

    Files.delete(file);
    emulator = start(0);
    TestClient.withSession(emulator.baseUrl());
    Emulators.stop(emulator);
    emulator = null;
    SavedState.rewrite(dir, StateFile.VERSION);
    Path base = dir.resolve(StateFile.baseName(1));
    JsonObject saved = new JsonObject(Files.readString(base));
    saved.getJsonArray("sessions").getJsonObject(0).put("installationId", 1);
    Files.writeString(base, saved.encode());
    SavedState.reseal(dir);
    assertStartFails(StateFile.baseName(1) + " sessions[0]: \"installationId\" names no installation");

    Files.delete(base);
    assertStartFails("names the base " + base + ", which is missing");
  }

  /** New objects would take ids (and IBANs) in use and overwrite what holds them: the start fails instead. */
  @Test
  void counterBelowAnIdOrIbanInUseFailsTheStartNamingIt() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    TestClient bob = TestClient.withSession(emulator.baseUrl());
    payOut(alice, "1.00");
    Emulators.stop(emulator);
    emulator = null;
    Path file = dir.resolve(StateFile.FILE_NAME);
    JsonObject saved = new JsonObject(Files.readString(file));

    List<String> journal = Files.readAllLines(dir.resolve(StateFile.JOURNAL_NAME));
    Files.writeString(file, saved.copy().put("lastId", alice.userId - 1).encode());
    assertStartFails(StateFile.JOURNAL_NAME + " line " + (lineOf(journal, "{\"user\"") + 1) + ": \"id\" "
        + alice.userId + " is above \"lastId\" " + (alice.userId - 1));

    int line = lineOf(journal, "{\"payment\"");
    long paymentId = new JsonObject(journal.get(line)).getJsonObject("payment").getLong("id");
    Files.writeString(file, saved.copy().put("lastId", paymentId - 1).encode());
    assertStartFails(StateFile.JOURNAL_NAME + " line " + (line + 1) + ": \"id\" " + paymentId
        + " is above \"lastId\"");

    Files.writeString(file, saved.encode());
    SavedState.rewrite(dir, StateFile.VERSION);
    String intact = Files.readString(file);
    long bobsNumber = Long.parseLong(bob.iban.substring(8));
    Files.writeString(file, new JsonObject(intact).put("lastAccountNumber", bobsNumber - 1).encode());
    assertStartFails(StateFile.baseName(1) + " accounts[1]: \"iban\" " + bob.iban
        + " has an account number above \"lastAccountNumber\" " + (bobsNumber - 1));

    Files.writeString(file, intact);
    emulator = start(0);
    assertThat(TestClient.withSession(emulator.baseUrl(), alice.apiKey).userId).isEqualTo(alice.userId);
  }

  @Test
  void idTakenByTwoObjectsOfAKindFailsTheStartNamingIt() throws Exception {
    emulator = start(0);
    TestClient.withSession(emulator.baseUrl());
    TestClient.withSession(emulator.baseUrl());
    Emulators.stop(emulator);
    emulator = null;
    SavedState.rewrite(dir, StateFile.VERSION);
    Path file = dir.resolve(StateFile.baseName(1));
    JsonObject saved = new JsonObject(Files.readString(file));

    JsonObject accounts = saved.copy();
    long first = accounts.getJsonArray("accounts").getJsonObject(0).getLong("id");
    accounts.getJsonArray("accounts").getJsonObject(1).put("id", first);
    Files.writeString(file, accounts.encode());
    SavedState.reseal(dir);
    assertStartFails("accounts[1]: \"id\" " + first + " is taken by another monetary account");

    JsonObject users = saved.copy();
    long alice = users.getJsonArray("users").getJsonObject(0).getLong("id");
    users.getJsonArray("users").getJsonObject(1).put("id", alice);
    Files.writeString(file, users.encode());
    SavedState.reseal(dir);
    assertStartFails("users[1]: \"id\" " + alice + " is taken by another user");
  }

  @Test
  void secondEmulatorOnADirectoryInUseIsRefused() throws Exception {
    emulator = start(0);

    assertThatThrownBy(() -> start(0))
        .hasMessageContaining(dir + " is in use by another emulator");
    TestClient.withSession(emulator.baseUrl());
    Emulators.stop(emulator);
    emulator = null;
    emulator = start(0);
  }

  @Test
  void journalLeftWithoutItsStateFileFailsTheStartInsteadOfStartingAfresh() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    payOut(alice, "1.00");
    Emulators.stop(emulator);
    emulator = null;
    Files.delete(dir.resolve(StateFile.FILE_NAME));
    Path journal = dir.resolve(StateFile.JOURNAL_NAME);
    byte[] before = Files.readAllBytes(journal);

    assertThatThrownBy(() -> start(0)).hasMessageContaining(dir + " holds " + StateFile.JOURNAL_NAME + " but no "
        + StateFile.FILE_NAME).hasMessageContaining("delete the emulator-* files in " + dir + " to start afresh");
    assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    assertThat(dir.resolve(StateFile.baseName(1))).exists();
  }

  @Test
  void emulatorWhoseLockFileWasReplacedWritesNoMore() throws Exception {
    emulator = start(0);
    TestClient alice = TestClient.withSession(emulator.baseUrl());
    payOut(alice, "1.00");
    Path lock = dir.resolve(StateFile.LOCK_NAME);
    Files.delete(lock);
    Files.writeString(lock, "");
    long journal = Files.size(dir.resolve(StateFile.JOURNAL_NAME));

    Reply refused = alice.pay(Emulators.payment("2.00", "IBAN", "NL91ABNA0417164300", "after").encode());

    assertThat(refused.status()).isEqualTo(500);
    assertThat(Files.size(dir.resolve(StateFile.JOURNAL_NAME))).isEqualTo(journal);
  }

  @Test
  void emulatorWithoutDataDirectoryWritesNoStateFile() throws Exception {
    Path workingDir = Path.of("").toAbsolutePath();
    try (Stream<Path> before = Files.list(workingDir)) {
      List<Path> existing = before.toList();
      emulator = Emulators.start(vertx, new EmulatorOptions().setInitialBalance("100.00"));
      TestClient alice = TestClient.withSession(emulator.baseUrl());
      TestClient bob = TestClient.withSession(emulator.baseUrl());
      assertThat(alice.pay(Emulators.payment("1.00", "IBAN", bob.iban, "x").encode()).status()).isEqualTo(200);
      Emulators.stop(emulator);
      emulator = null;
      try (Stream<Path> after = Files.list(workingDir)) {
        assertThat(after.toList()).containsExactlyInAnyOrderElementsOf(existing);
      }
    }
    assertThat(new EmulatorOptions().getDataDir()).isNull();
  }

  @Test
  void dataDirRoundTripsThroughJson() {
    EmulatorOptions options = new EmulatorOptions(new JsonObject().put("dataDir", dir.toString()));
    assertThat(options.getDataDir()).isEqualTo(dir);
    assertThat(new EmulatorOptions(options.toJson()).getDataDir()).isEqualTo(dir);
    assertThat(new EmulatorOptions().toJson().containsKey("dataDir")).isTrue();
    assertThatThrownBy(() -> new EmulatorOptions(new JsonObject().put("dataDir", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataDir");
  }

  /** The index of the first line that starts with {@code start}. */
  private static int lineOf(List<String> lines, String start) {
    return IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith(start)).findFirst().orElseThrow();
  }

  /** Pays {@code value} to an IBAN outside the emulator and checks that it was answered 200. */
  private static void payOut(TestClient payer, String value) {
    Reply paid = payer.pay(Emulators.payment(value, "IBAN", "NL91ABNA0417164300", "out").encode());
    assertThat(paid.status()).as(paid.text()).isEqualTo(200);
  }

  private void assertStartFails(String message) {
    Path file = dir.resolve(StateFile.FILE_NAME);
    byte[] before = readBytes(file);
    assertThatThrownBy(() -> start(0))
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message);
    assertThat(readBytes(file)).isEqualTo(before);
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private BunqEmulator start(int port) throws Exception {
    return Emulators.start(vertx, durable(port));
  }
}
