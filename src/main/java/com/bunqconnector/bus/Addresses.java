package com.bunqconnector.bus;

/** The event-bus addresses of the connector's contract with applications. */
public final class Addresses {

  /** Requests to call bunq for a user: see {@link ApiVerticle} for the message format. */
  public static final String API = "bunq.api";

  /**
   * Published: one JSON event per change of a user's context, {@code {"type","tenant","user"}} with
   * type {@code context-created}, {@code session-renewed}, {@code context-rebuilt} or
   * {@code user-invalid} (with {@code reason}).
   */
  public static final String SESSION_EVENTS = "bunq.session.events";

  /**
   * Administration, request/reply with a JSON {@code {"action", ...}}: {@code list-dead-letters}
   * (optional {@code tenant}), {@code replay} ({@code id}), {@code replay-all} (optional {@code tenant}),
   * {@code rotate-token} ({@code tenant}), {@code register-filters} ({@code tenant}), and of the users added
   * at run time {@code add-user} ({@code tenant}, {@code user}, {@code apiKey}, optional {@code permittedIps}),
   * {@code remove-user} ({@code tenant}, {@code user}) and {@code list-users} (optional {@code tenant}); see
   * the README's Callbacks and Users added at run time sections for the replies.
   */
  public static final String ADMIN = "bunq.admin";

  /**
   * Published by the node that adds or removes a user at run time, to every node:
   * {@code {"type","tenant","user"}} with type {@code user-added} or {@code user-removed}. It carries no
   * API key: a node reads the user from the {@code bunq.users} map.
   */
  public static final String USER_EVENTS = "bunq.users.events";

  private Addresses() {
  }
}
