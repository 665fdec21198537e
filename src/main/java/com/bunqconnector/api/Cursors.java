package com.bunqconnector.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * bunq's pagination cursors: server-relative URLs such as
 * {@code /v1/user/1/monetary-account/2/payment?count=10&older_id=224}, turned into the next call.
 */
final class Cursors {

  private Cursors() {
  }

  /**
   * The call that reads the page a cursor points at, for the same user.
   *
   * @throws IllegalArgumentException if the cursor is not a server-relative URL of the same list
   */
  static ApiCall follow(ApiCall listed, String cursor) {
    URI uri;
    try {
      uri = new URI(cursor);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "' is not a URL");
    }
    if (uri.getScheme() != null || uri.getRawAuthority() != null || uri.getRawPath() == null) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "' is not a server-relative URL");
    }
    String path = uri.getRawPath().startsWith("/v1/") ? uri.getRawPath().substring(3) : uri.getRawPath();
    if (!samePath(listed.path(), path)) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "' points at another list than " + listed.path());
    }
    Map<String, String> query = new TreeMap<>();
    String raw = uri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int equals = pair.indexOf('=');
        String name = decode(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        if (!name.isEmpty()) {
          query.put(name, value);
        }
      }
    }
    if (query.containsKey("older_id") && query.containsKey("newer_id")) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "' names both older_id and newer_id");
    }
    return new ApiCall(listed.tenant(), listed.user(), listed.method(), path, query, null, listed.deadlineMs());
  }

  /** Whether a cursor's path is the listed path, with the user id filled in where the call has {@code {userId}}. */
  private static boolean samePath(String listed, String cursor) {
    String[] want = listed.split("/", -1);
    String[] got = cursor.split("/", -1);
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      boolean matches = want[i].equals(ApiCall.USER_ID) ? got[i].matches("\\d{1,19}") : want[i].equals(got[i]);
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static String shorten(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
