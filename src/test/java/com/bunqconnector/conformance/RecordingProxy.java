package com.bunqconnector.conformance;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loopback HTTP proxy in front of a bunq API (the emulator) that records every exchange: it
 * forwards each request unchanged (method, URI, headers, body bytes) and returns the answer
 * unchanged, so signatures over the bodies stay valid both ways.
 *
 * <p>Runs on the event loop of the context that started it; {@link #exchanges()} may be read from
 * any thread.
 */
public final class RecordingProxy {

  /**
   * One request and its answer, as they passed through.
   *
   * @param method the request method, e.g. {@code POST}
   * @param path the request path, e.g. {@code /v1/user/7/monetary-account/9/payment}
   * @param requestBody the exact request body bytes (empty when none)
   * @param status the answer's HTTP status (502 when the target could not be reached)
   * @param responseBody the exact answer body bytes
   */
  public record Exchange(String method, String path, Buffer requestBody, int status, Buffer responseBody) {

    @Override
    public String toString() {
      return method + " " + path + " -> " + status;
    }
  }

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
      "content-length", "upgrade", "proxy-connection");

  private final HttpServer server;
  private final HttpClientAgent client;
  private final Queue<Exchange> exchanges;

  private RecordingProxy(HttpServer server, HttpClientAgent client, Queue<Exchange> exchanges) {
    this.server = server;
    this.client = client;
    this.exchanges = exchanges;
  }

  /** Starts a proxy on 127.0.0.1 and a free port that forwards to {@code targetHost:targetPort}. */
  public static Future<RecordingProxy> start(Vertx vertx, String targetHost, int targetPort) {
    HttpClientAgent client = vertx.createHttpClient();
    Queue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> forward(client, targetHost, targetPort, request, exchanges))
        .listen()
        .map(server -> new RecordingProxy(server, client, exchanges));
  }

  /** The proxied API base URL, {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** The exchanges so far, in the order their answers completed. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Stops listening and closes the forwarding client. */
  public Future<Void> close() {
    return server.close().eventually(client::close);
  }

  private static void forward(HttpClientAgent client, String host, int port, HttpServerRequest request,
      Queue<Exchange> exchanges) {
    request.body()
        .compose(body -> client.request(new RequestOptions().setMethod(request.method()).setHost(host).setPort(port)
                .setURI(request.uri()))
            .compose(outgoing -> {
              copyHeaders(request.headers(), outgoing.headers());
              return outgoing.send(body);
            })
            .compose(answer -> answer.body().map(answerBody -> {
              exchanges.add(new Exchange(request.method().name(), request.path(), body, answer.statusCode(),
                  answerBody));
              reply(request, answer, answerBody);
              return answerBody;
            }))
            .onFailure(e -> {
              exchanges.add(new Exchange(request.method().name(), request.path(), body, 502, Buffer.buffer()));
              request.response().setStatusCode(502).end("proxy could not reach " + host + ":" + port + ": " + e);
            }));
  }

  private static void reply(HttpServerRequest request, HttpClientResponse answer, Buffer body) {
    copyHeaders(answer.headers(), request.response().headers());
    request.response().setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage()).end(body);
  }

  private static void copyHeaders(MultiMap from, MultiMap to) {
    from.forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        to.add(name, value);
      }
    });
  }
}
