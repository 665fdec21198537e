package com.bunqconnector.emulator;

/**
 * Lets tests outside this package (the {@code emulator} command's) drive an emulator with the
 * independent {@link TestClient}: the full context flow with a secret, then the first account.
 */
public final class ClientProbe {

  /** What the session showed: the user wrapper type and id, and the first account's IBAN and balance. */
  public record Seen(String userKind, long userId, String iban, String balance) {
  }

  private ClientProbe() {
  }

  /** Installation, device-server and session-server with {@code secret}, then reads the first account. */
  public static Seen openSession(String baseUrl, String secret) {
    TestClient client = TestClient.withSession(baseUrl, secret);
    client.loadAccount();
    return new Seen(client.userKind, client.userId, client.iban, client.balance());
  }
}
