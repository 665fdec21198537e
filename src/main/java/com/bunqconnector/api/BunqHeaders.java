package com.bunqconnector.api;

/** Names and fixed values of bunq's HTTP headers. */
public final class BunqHeaders {

  public static final String AUTHENTICATION = "X-Bunq-Client-Authentication";
  public static final String CLIENT_SIGNATURE = "X-Bunq-Client-Signature";
  public static final String SERVER_SIGNATURE = "X-Bunq-Server-Signature";
  public static final String REQUEST_ID = "X-Bunq-Client-Request-Id";
  public static final String RESPONSE_ID = "X-Bunq-Client-Response-Id";
  public static final String LANGUAGE = "X-Bunq-Language";
  public static final String REGION = "X-Bunq-Region";
  public static final String GEOLOCATION = "X-Bunq-Geolocation";

  /** The User-Agent the connector sends. */
  public static final String USER_AGENT = "bunq-connector/0.1";

  private BunqHeaders() {
  }
}
