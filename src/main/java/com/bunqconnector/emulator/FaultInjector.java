package com.bunqconnector.emulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport side of fault injection: the active {@link Fault}s and the route handler that
 * applies them to {@code /v1} calls before anything else (rate limits, request ids, authentication)
 * sees the call. Per call: the matching latencies add up and are waited first; then the first
 * matching server-error, drop-before or too-many-requests fault (in the order added) answers
 * instead of the emulator; otherwise the first matching drop-after fault marks the call, and
 * {@link Replies} closes the connection instead of answering once the call is processed. Only the
 * faults that acted count down. Runs on the emulator's context only.
 */
final class FaultInjector {

  /** Routing-context key set on calls whose answer must be replaced by a closed connection. */
  static final String DROP_AFTER_KEY = "bunq.fault.dropAfter";
  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

  private final RateLimiter limiter;
  private final Replies replies;
  /** Active faults in the order added. */
  private final List<Active> active = new ArrayList<>();
  private long nextId = 1;

  FaultInjector(RateLimiter limiter, Replies replies) {
    this.limiter = limiter;
    this.replies = replies;
  }

  /** Installs a fault; returns its id (unique within this emulator). */
  String add(Fault fault) {
    String id = "fault-" + nextId++;
    active.add(new Active(id, fault, fault.times()));
    log.info("Fault {} added: {}", id, fault);
    return id;
  }

  /** Removes one fault; false when no active fault has this id. */
  boolean remove(String id) {
    boolean removed = active.removeIf(a -> a.id.equals(id));
    if (removed) {
      log.info("Fault {} removed", id);
    }
    return removed;
  }

  /** Removes every fault; returns how many were active. */
  int clear() {
    int count = active.size();
    active.clear();
    log.info("All {} fault(s) cleared", count);
    return count;
  }

  /** The active faults: each one's JSON form plus {@code id} and {@code remaining} (absent: until removed). */
  JsonArray list() {
    JsonArray list = new JsonArray();
    for (Active a : active) {
      JsonObject json = new JsonObject().put("id", a.id).mergeIn(a.fault.toJson());
      if (a.remaining != null) {
        json.put("remaining", a.remaining);
      }
      list.add(json);
    }
    return list;
  }

  /** Route handler for {@code /v1} calls. */
  void handle(RoutingContext ctx) {
    if (active.isEmpty()) {
      ctx.next();
      return;
    }
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    long delayMs = 0;
    Active answer = null;
    Active dropAfter = null;
    List<Active> used = new ArrayList<>();
    for (Active a : active) {
      if (!a.fault.matches(method, path)) {
        continue;
      }
      if (a.fault.type() == Fault.Type.LATENCY) {
        delayMs += a.fault.latencyMs();
        used.add(a);
      } else if (a.fault.type() == Fault.Type.DROP_AFTER) {
        dropAfter = dropAfter == null ? a : dropAfter;
      } else {
        answer = answer == null ? a : answer;
      }
    }
    Active acting = answer != null ? answer : dropAfter;
    if (acting != null) {
      used.add(acting);
    }
    used.forEach(this::countDown);
    Runnable proceed = () -> proceed(ctx, acting);
    if (delayMs > 0) {
      log.debug("Delaying {} {} by {} ms", method, path, delayMs);
      ctx.vertx().setTimer(delayMs, t -> proceed.run());
    } else {
      proceed.run();
    }
  }

  private void proceed(RoutingContext ctx, Active acting) {
    if (acting == null) {
      ctx.next();
      return;
    }
    HttpMethod method = ctx.request().method();
    log.debug("Fault {} ({}) acts on {} {}", acting.id, acting.fault.type().json(), method, ctx.request().path());
    switch (acting.fault.type()) {
      case SERVER_ERROR -> serverError(ctx, acting.fault.status());
      case DROP_BEFORE -> ctx.request().connection().close();
      case TOO_MANY_REQUESTS -> {
        RateLimiter.Limit limit = limiter.limitFor(method, ctx.request().path());
        replies.fail(ctx, RateLimiter.tooManyRequests(limit != null ? limit : limiter.limitFor(HttpMethod.GET, "")));
      }
      case DROP_AFTER -> {
        ctx.put(DROP_AFTER_KEY, Boolean.TRUE);
        ctx.next();
      }
      default -> ctx.next();
    }
  }

  /** A gateway's error page: HTML, no bunq headers, no signature. */
  private static void serverError(RoutingContext ctx, int status) {
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    String html = "<!DOCTYPE html>\n<html>\n<head><title>" + status + " " + reason + "</title></head>\n"
        + "<body>\n<h1>" + status + " " + reason + "</h1>\n<p>The server in front of the API could not complete"
        + " this request.</p>\n</body>\n</html>\n";
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
  }

  private void countDown(Active a) {
    if (a.remaining == null) {
      return;
    }
    a.remaining--;
    if (a.remaining <= 0 && active.remove(a)) {
      log.debug("Fault {} used up", a.id);
    }
  }

  /** An installed fault and how many more calls it acts on ({@code null}: until removed). */
  private static final class Active {
    final String id;
    final Fault fault;
    Integer remaining;

    Active(String id, Fault fault, Integer remaining) {
      this.id = id;
      this.fault = fault;
      this.remaining = remaining;
    }
  }
}
