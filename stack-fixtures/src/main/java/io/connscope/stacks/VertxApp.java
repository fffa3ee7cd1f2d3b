package io.connscope.stacks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Vert.x 5 HTTP server and client in one JVM with its native transport preferred: {@value #REQUESTS}
 * GETs and one POST, one after the other through its client pool. Prints the server's own
 * counts, and whether Vert.x runs on its native transport.
 */
public final class VertxApp {

    public static final int REQUESTS = 10;

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(!Boolean.getBoolean("nio")));
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        HttpServer server = await(vertx.createHttpServer()
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(req -> {
                served.incrementAndGet();
                req.bodyHandler(body -> req.response().putHeader("content-type", "text/plain").end("ok " + body.length()));
            })
            .listen(0, "127.0.0.1"));
        int port = server.actualPort();
        HttpClient client = vertx.createHttpClient(new PoolOptions());
        // The requests one after the other, each sent from the completion of the one before, on Vert.x's
        // own threads: awaiting each from the main thread lost a response now and then on epoll.
        int answered = await(send(client, port, 0, 0));
        await(client.close());
        await(server.close());
        boolean nativeTransport = vertx.isNativeTransportEnabled();
        await(vertx.close());
        System.out.println("expect: stack=vertx port=" + port + " native=" + nativeTransport + " server.requests="
            + served.get() + " server.connections=" + connections.get() + " client.answered=" + answered);
    }

    /** Request {@code i} and the ones after it; the number answered "ok". */
    private static Future<Integer> send(HttpClient client, int port, int i, int answered) {
        if (i > REQUESTS) {
            return Future.succeededFuture(answered);
        }
        boolean post = i == REQUESTS;
        return client.request(post ? HttpMethod.POST : HttpMethod.GET, port, "127.0.0.1", post ? "/orders" : "/items/" + i)
            .compose(req -> post ? req.send("{\"item\":42}") : req.send())
            .compose(HttpClientResponse::body)
            .compose(body -> send(client, port, i + 1, answered + (body.toString().startsWith("ok") ? 1 : 0)));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
