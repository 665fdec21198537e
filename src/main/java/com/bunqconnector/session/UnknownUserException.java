package com.bunqconnector.session;

/** A call named a tenant or user that the node's configuration does not have. */
public final class UnknownUserException extends RuntimeException {

  public UnknownUserException(String tenant, String user) {
    super("no user '" + user + "' in tenant '" + tenant + "'", null, false, false);
  }
}
