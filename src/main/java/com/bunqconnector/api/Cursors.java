package com.bunqconnector.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * bunq's pagination cursors: server-relative URLs such as
 * {@code /v1/user/1/monetary-account/2/payment?count=10&older_id=224}, turned into the next call;
 * and the rules a list's paging parameters follow, for cursors and callers alike.
 */
public final class Cursors {

  /** bunq's largest page. */
  public static final int MAX_COUNT = 200;

  /** What is wrong with a list's paging parameters: the parameter ({@code query} for both ids) and why. */
  public record Problem(String parameter, String reason) {
  }

  private Cursors() {
  }

  /**
   * What breaks bunq's paging rules in {@code query}: both {@code older_id} and {@code newer_id}
   * (a list goes one way), an id that is not a bunq object id, a {@code count} outside 1 to
   * {@value #MAX_COUNT}; or {@code null} when nothing does.
   */
  public static Problem problem(Map<String, String> query) {
    if (query.containsKey("older_id") && query.containsKey("newer_id")) {
      return new Problem("query", "older_id and newer_id go one way each: send one of them");
    }
    for (String id : new String[] {"older_id", "newer_id"}) {
      if (query.containsKey(id) && !query.get(id).matches("\\d{1,19}")) {
        return new Problem(id, "must be a bunq object id (digits)");
      }
    }
    String count = query.get("count");
    if (count != null && (!count.matches("\\d{1,3}") || Integer.parseInt(count) < 1
        || Integer.parseInt(count) > MAX_COUNT)) {
      return new Problem("count", "must be a whole number from 1 to " + MAX_COUNT + " (bunq's largest page)");
    }
    return null;
  }

  /**
   * The call that reads the page a cursor points at, for the same user.
   *
   * @param requested the path the first call of the list requested, with the user id filled in
   * @throws IllegalArgumentException if the cursor is not a server-relative URL of that path, or
   *     its {@code count}, {@code older_id} or {@code newer_id} is not bunq's
   */
  static ApiCall follow(ApiCall listed, String requested, String cursor) {
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
    if (!path.equals(requested)) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "' points at another list than " + requested);
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
    Problem problem = problem(query);
    if (problem != null) {
      throw new IllegalArgumentException("'" + shorten(cursor) + "': " + problem.parameter() + " " + problem.reason());
    }
    return new ApiCall(listed.tenant(), listed.user(), listed.method(), path, query, null, listed.deadlineMs());
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static String shorten(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
