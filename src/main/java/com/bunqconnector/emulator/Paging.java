package com.bunqconnector.emulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * bunq's cursor pagination over objects ordered by id. Pages list newest (highest id) first, except
 * the listings of {@link #oldestFirst} (monetary accounts).
 * {@code older_url} continues with ids below the page, {@code newer_url} with ids above it;
 * {@code future_url} appears only when the page holds the newest object, to poll for later ones.
 * Generated URLs are server-relative, start with {@code /v1/} and always carry {@code count}.
 */
final class Paging {

  /** Items per page when the client gives no {@code count}. */
  static final int DEFAULT_COUNT = 10;
  /** The largest {@code count} bunq accepts. */
  static final int MAX_COUNT = 200;

  /** One page: the items (newest first, or oldest first for {@link #oldestFirst}) and the {@code Pagination}. */
  record Page<T>(List<T> items, JsonObject pagination) {
  }

  private Paging() {
  }

  /**
   * Cuts one page out of {@code all} as the query asks.
   *
   * @throws ApiError 400 if {@code count}, {@code older_id} or {@code newer_id} is malformed
   */
  static <T> Page<T> page(String path, MultiMap query, NavigableMap<Long, T> all) {
    return page(path, query, all, List.of());
  }

  /**
   * As {@link #page(String, MultiMap, NavigableMap)}, for a listing that the query also filters:
   * the {@code carried} parameters present in the query are repeated in the generated URLs, so
   * following them keeps the filter.
   */
  static <T> Page<T> page(String path, MultiMap query, NavigableMap<Long, T> all, List<String> carried) {
    return page(path, query, all, carried, false);
  }

  /**
   * As {@link #page(String, MultiMap, NavigableMap)}, for a listing that starts with the oldest object
   * and lists each page oldest first: bunq's monetary account listings, whose first active account
   * bunq's SDKs take as the user's primary one (their own tests then pay from it to an account they
   * just opened, which works only if the new account does not come first). The cursors keep their
   * meaning: {@code newer_url} continues with higher ids, {@code older_url} with lower ones.
   */
  static <T> Page<T> oldestFirst(String path, MultiMap query, NavigableMap<Long, T> all) {
    return page(path, query, all, List.of(), true);
  }

  private static <T> Page<T> page(String path, MultiMap query, NavigableMap<Long, T> all, List<String> carried,
      boolean ascending) {
    int count = (int) longParam(query, "count", DEFAULT_COUNT);
    if (count < 1 || count > MAX_COUNT) {
      throw ApiError.badRequest("Query parameter \"count\" must be between 1 and " + MAX_COUNT + ".");
    }
    Long older = query.contains("older_id") ? longParam(query, "older_id", 0) : null;
    Long newer = query.contains("newer_id") ? longParam(query, "newer_id", 0) : null;
    if (older != null && newer != null) {
      throw ApiError.badRequest("Query parameters \"older_id\" and \"newer_id\" cannot be combined.");
    }
    NavigableMap<Long, T> source;
    if (newer != null) {
      source = all.tailMap(newer, false);
    } else if (older != null) {
      source = all.headMap(older, false).descendingMap();
    } else {
      source = ascending ? all : all.descendingMap();
    }
    List<Map.Entry<Long, T>> slice = new ArrayList<>();
    for (Map.Entry<Long, T> entry : source.entrySet()) {
      if (slice.size() == count) {
        break;
      }
      slice.add(entry);
    }
    Comparator<Map.Entry<Long, T>> byId = Map.Entry.comparingByKey();
    slice.sort(ascending ? byId : byId.reversed());
    List<T> items = slice.stream().map(Map.Entry::getValue).toList();
    StringBuilder base = new StringBuilder(path).append("?count=").append(count);
    for (String name : carried) {
      if (query.contains(name)) {
        base.append('&').append(name).append('=').append(URLEncoder.encode(query.get(name), StandardCharsets.UTF_8));
      }
    }
    return new Page<>(items, pagination(base.toString(), all, slice, newer));
  }

  private static <T> JsonObject pagination(String base, NavigableMap<Long, T> all, List<Map.Entry<Long, T>> slice,
      Long newerParam) {
    if (slice.isEmpty()) {
      // Nothing to anchor on; a poller that asked for newer items keeps its cursor.
      String future = newerParam != null ? base + "&newer_id=" + newerParam : null;
      return urls(future, null, null);
    }
    long first = slice.get(0).getKey();
    long last = slice.get(slice.size() - 1).getKey();
    long highest = Math.max(first, last);
    long lowest = Math.min(first, last);
    boolean hasNewer = all.higherKey(highest) != null;
    boolean hasOlder = all.lowerKey(lowest) != null;
    String newerUrl = hasNewer ? base + "&newer_id=" + highest : null;
    String futureUrl = hasNewer ? null : base + "&newer_id=" + highest;
    String olderUrl = hasOlder ? base + "&older_id=" + lowest : null;
    return urls(futureUrl, newerUrl, olderUrl);
  }

  private static JsonObject urls(String future, String newer, String older) {
    return new JsonObject().put("future_url", future).put("newer_url", newer).put("older_url", older);
  }

  private static long longParam(MultiMap query, String name, long fallback) {
    String raw = query.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("Query parameter \"" + name + "\" must be an integer.");
    }
  }
}
