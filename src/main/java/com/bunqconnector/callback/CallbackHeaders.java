package com.bunqconnector.callback;

/**
 * Headers on every callback delivered to a consumer address. The message body is bunq's JSON
 * as received: {@code {"NotificationUrl":{"target_url","category","event_type","object":{...}}}}.
 */
public final class CallbackHeaders {

  public static final String TENANT = "tenant";
  /** The tenant's id of the user the callback was registered for; absent when the URL named none. */
  public static final String USER = "user";
  public static final String CATEGORY = "category";
  public static final String EVENT_TYPE = "event-type";
  /** The single key inside {@code object}, such as {@code Payment}. */
  public static final String OBJECT_TYPE = "object-type";

  private CallbackHeaders() {
  }
}
