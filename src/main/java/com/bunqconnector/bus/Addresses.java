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
   * Administration of callbacks, request/reply with a JSON {@code {"action", ...}}: {@code list-dead-letters}
   * (optional {@code tenant}), {@code replay} ({@code id}), {@code replay-all} (optional {@code tenant}),
   * {@code rotate-token} ({@code tenant}) and {@code register-filters} ({@code tenant}); see the README's
   * Callbacks section for the replies.
   */
  public static final String ADMIN = "bunq.admin";

  private Addresses() {
  }
}
