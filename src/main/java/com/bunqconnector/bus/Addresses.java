package com.bunqconnector.bus;

/** The event-bus addresses of the connector's contract with applications. */
public final class Addresses {

  /** Requests to call bunq for a user: see {@link ApiVerticle} for the message format. */
  public static final String API = "bunq.api";

  private Addresses() {
  }
}
