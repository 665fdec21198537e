package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Installation;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a reused {@code X-Bunq-Client-Request-Id} on the same installation, as bunq does on the
 * same DeviceServer. Only calls that name an installation (through an installation or a session
 * token) are checked: anonymous calls have no device to be unique on, which is also why the Python
 * SDK can send a fixed id to {@code sandbox-user-person}.
 *
 * <p>bunq's text and status for this are unknown; the emulator answers 400 with a sentence naming
 * the header. Memory is bounded: an id is forgotten after {@code requestIdTtlSeconds} (by the
 * emulator's clock), each installation keeps at most {@link #MAX_IDS_PER_INSTALLATION} ids (oldest
 * dropped first), and ids longer than 64 characters are kept as their SHA-256. Runs on the
 * emulator's context only.
 */
final class RequestIds {

  /** Most ids remembered per installation; beyond it the oldest is forgotten early. */
  static final int MAX_IDS_PER_INSTALLATION = 10_000;
  private static final int MAX_KEPT_LENGTH = 64;

  private final Clock clock;
  private final long ttlMs;
  private final Replies replies;
  /** Per installation id: request id (or its hash) to the epoch ms it was first seen, oldest first. */
  private final Map<Long, LinkedHashMap<String, Long>> seen = new HashMap<>();
  private long lastSweepMs;

  RequestIds(Clock clock, int ttlSeconds, Replies replies) {
    this.clock = clock;
    this.ttlMs = ttlSeconds * 1000L;
    this.replies = replies;
    this.lastSweepMs = clock.millis();
  }

  /** Route handler: passes calls without an id or installation, records new ids and refuses reused ones. */
  void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader(Replies.REQUEST_ID);
    Installation installation = ctx.get(Replies.INSTALLATION_KEY);
    if (id == null || installation == null || firstUse(installation.id(), id)) {
      ctx.next();
      return;
    }
    replies.fail(ctx, ApiError.badRequest("The request id \"" + shown(id) + "\" has already been used on this device;"
        + " send a unique X-Bunq-Client-Request-Id with every request."));
  }

  /** Records the id for the installation; false if it was seen there within the time to live. */
  boolean firstUse(long installationId, String requestId) {
    long now = clock.millis();
    sweep(now);
    LinkedHashMap<String, Long> ids = seen.computeIfAbsent(installationId, k -> new LinkedHashMap<>());
    forgetExpired(ids, now);
    String key = requestId.length() > MAX_KEPT_LENGTH ? sha256(requestId) : requestId;
    if (ids.containsKey(key)) {
      return false;
    }
    ids.put(key, now);
    if (ids.size() > MAX_IDS_PER_INSTALLATION) {
      Iterator<String> oldest = ids.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  private void forgetExpired(LinkedHashMap<String, Long> ids, long now) {
    for (Iterator<Long> it = ids.values().iterator(); it.hasNext(); ) {
      if (it.next() > now - ttlMs) {
        return;
      }
      it.remove();
    }
  }

  /** Once per time to live, forgets expired ids of every installation and drops emptied ones. */
  private void sweep(long now) {
    if (now - lastSweepMs < ttlMs) {
      return;
    }
    lastSweepMs = now;
    for (Iterator<LinkedHashMap<String, Long>> it = seen.values().iterator(); it.hasNext(); ) {
      LinkedHashMap<String, Long> ids = it.next();
      forgetExpired(ids, now);
      if (ids.isEmpty()) {
        it.remove();
      }
    }
  }

  private static String shown(String id) {
    return id.length() > MAX_KEPT_LENGTH ? id.substring(0, MAX_KEPT_LENGTH) + "..." : id;
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
