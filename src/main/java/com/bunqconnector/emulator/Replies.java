package com.bunqconnector.emulator;

import com.bunqconnector.crypto.CryptoWorker;
import com.bunqconnector.emulator.Model.Installation;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every emulator response the bunq way: JSON body (or a file's bytes), a fresh
 * {@code X-Bunq-Client-Response-Id}, the echoed {@code X-Bunq-Client-Request-Id}, and, when the
 * request named an installation, an {@code X-Bunq-Server-Signature} over the exact body bytes made
 * on the crypto worker pool with the installation's current server key. A 429 is never signed (bunq
 * does not sign them), and a call marked by a drop-after fault gets its connection closed instead of
 * an answer.
 */
final class Replies {

  static final String RESPONSE_ID = "X-Bunq-Client-Response-Id";
  static final String REQUEST_ID = "X-Bunq-Client-Request-Id";
  static final String SERVER_SIGNATURE = "X-Bunq-Server-Signature";
  /** The header naming the language of {@code error_description_translated}. */
  static final String LANGUAGE = "X-Bunq-Language";
  /** Routing-context key of the {@link Installation} whose server key signs the response. */
  static final String INSTALLATION_KEY = "bunq.installation";

  /**
   * The answer to a call whose changes could not be saved (the emulator's text; bunq has no such case).
   * The change was made and is saved by the next save that succeeds, so the text must not invite a resend.
   */
  static final String UNSAVED = "Internal server error: the change was made but could not be saved to disk yet;"
      + " do not repeat it: read the resource to see it.";
  private static final String JSON = "application/json";
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  /** A file as an answer: its bytes, sent as they are, and their MIME type. */
  record Raw(String contentType, Buffer bytes) {
  }

  private final CryptoWorker crypto;
  private final CredentialFaults credentials;
  private final Durability durability;

  Replies(CryptoWorker crypto, CredentialFaults credentials, Durability durability) {
    this.crypto = crypto;
    this.credentials = credentials;
    this.durability = durability;
  }

  /**
   * Runs {@code answer} once the call's changes are on disk (at once for an emulator without a data
   * directory); when they cannot be saved the call gets a 500 Error envelope instead, or a 503 when the
   * emulator stopped first.
   */
  void durably(RoutingContext ctx, Runnable answer) {
    durably(ctx, Durability.changes(ctx.request().method()), answer);
  }

  private void durably(RoutingContext ctx, boolean change, Runnable answer) {
    durability.beforeAnswer(change).onComplete(v -> answer.run(), failure -> {
      if (!ctx.response().ended() && !ctx.response().headWritten()) {
        boolean stopping = failure instanceof Durability.Closed;
        addIdHeaders(ctx);
        ctx.response().setStatusCode(stopping ? 503 : 500).putHeader("Content-Type", JSON)
            .end(Envelopes.error(stopping ? EmulatorVerticle.SHUTTING_DOWN : UNSAVED, language(ctx)).toBuffer());
      }
    });
  }

  /**
   * Wraps an action: its successful JSON becomes a 200, an {@link ApiError} the matching Error
   * envelope, anything else (also when thrown synchronously) a 500 Error envelope.
   */
  Handler<RoutingContext> handler(Function<RoutingContext, Future<JsonObject>> action) {
    return answering(action, (ctx, body) -> send(ctx, 200, body));
  }

  /**
   * Like {@link #handler}, for an action whose success is a file: its bytes are the 200's body as
   * they are, under their own Content-Type, signed as a JSON body is.
   */
  Handler<RoutingContext> rawHandler(Function<RoutingContext, Future<Raw>> action) {
    return answering(action, (ctx, raw) -> durably(ctx, () -> sendNow(ctx, 200, raw.contentType(), raw.bytes())));
  }

  private <T> Handler<RoutingContext> answering(Function<RoutingContext, Future<T>> action,
      BiConsumer<RoutingContext, T> success) {
    return ctx -> {
      Future<T> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(body -> success.accept(ctx, body), failure -> fail(ctx, failure));
    };
  }

  /** Puts the response-id and request-id headers on the response; safe to call more than once. */
  void addIdHeaders(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (!response.headers().contains(RESPONSE_ID)) {
      response.putHeader(RESPONSE_ID, UUID.randomUUID().toString());
    }
    String requestId = ctx.request().getHeader(REQUEST_ID);
    if (requestId != null && !response.headers().contains(REQUEST_ID)) {
      response.putHeader(REQUEST_ID, requestId);
    }
  }

  /** Answers with the Error envelope for {@code failure}. */
  void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ApiError error) {
      log.debug("{} {} -> {} {}", ctx.request().method(), ctx.request().path(), error.status(), error.description());
      send(ctx, error.status(), Envelopes.error(error.description(), language(ctx)));
    } else {
      log.error("Unexpected failure handling {} {}", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, 500, Envelopes.error("Internal server error. Please contact bunq support.", language(ctx)));
    }
  }

  /**
   * Sends the body with the given status, signed when the request identified an installation (but not
   * a 429), once the call's changes are on disk ({@link #durably}); a 429 at once, as nothing was done.
   * A 4xx answer counts as no change.
   */
  void send(RoutingContext ctx, int status, JsonObject body) {
    if (status == 429) {
      // Refused before anything was done: nothing to save, and rate-limited floods must not cost a save each.
      sendNow(ctx, status, JSON, body.toBuffer());
      return;
    }
    // A call refused (4xx) changed nothing: it causes no write (and waits, as a read does, for earlier ones).
    durably(ctx, status / 100 != 4 && Durability.changes(ctx.request().method()),
        () -> sendNow(ctx, status, JSON, body.toBuffer()));
  }

  private void sendNow(RoutingContext ctx, int status, String contentType, Buffer bytes) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    if (Boolean.TRUE.equals(ctx.get(FaultInjector.DROP_AFTER_KEY))) {
      log.debug("Dropping the connection instead of answering {} {} with {}", ctx.request().method(),
          ctx.request().path(), status);
      ctx.request().connection().close();
      return;
    }
    addIdHeaders(ctx);
    response.setStatusCode(status).putHeader("Content-Type", contentType);
    Installation installation = status == 429 ? null : ctx.get(INSTALLATION_KEY);
    if (installation == null) {
      response.end(bytes);
      return;
    }
    crypto.sign(credentials.serverKeys(installation).getPrivate(), bytes.getBytes())
        .onComplete(signature -> {
          if (!response.ended()) {
            response.putHeader(SERVER_SIGNATURE, signature).end(bytes);
          }
        }, failure -> {
          log.error("Signing a response for installation {} failed", installation.id(), failure);
          if (!response.ended()) {
            response.setStatusCode(500).end(Envelopes.error("Internal server error.", language(ctx)).toBuffer());
          }
        });
  }

  /** The call's {@code X-Bunq-Language}; null when it sent none. */
  private static String language(RoutingContext ctx) {
    return ctx.request().getHeader(LANGUAGE);
  }
}
