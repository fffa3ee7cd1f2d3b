package io.connscope.demo;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty, the engine under Spring WebFlux and WebClient, on its default transport (epoll on
 * Linux): an HttpServer, and an HttpClient with a pool of its own making GETs and a POST one after
 * the other.
 */
final class ReactorNettyScenario implements Scenario {

    static final int GETS = 10;

    @Override
    public String name() {
        return "reactor-netty";
    }

    @Override
    public String description() {
        return "Reactor Netty HttpClient and HttpServer on their default epoll transport: pooled keep-alive exchanges";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        AtomicReference<String> transport = new AtomicReference<>("none");
        DisposableServer server = DemoPorts.bind(port -> HttpServer.create().host("127.0.0.1").port(port)
            .doOnChannelInit((observer, channel, remote) -> { // once per TCP connection
                connections.incrementAndGet();
                transport.set(channel.getClass().getSimpleName());
            })
            .handle((req, res) -> {
                served.incrementAndGet();
                return req.receive().aggregate().asString().defaultIfEmpty("")
                    .flatMap(body -> res.header("content-type", "text/plain").sendString(Mono.just("ok " + body.length())).then());
            })
            .bindNow(), DisposableServer::port);
        ConnectionProvider pool = ConnectionProvider.create("connscope-demo", 4);
        HttpClient client = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + server.port());
        int answered = 0;
        try {
            for (int i = 0; i < GETS; i++) {
                String body = client.get().uri("/items/" + i).responseContent().aggregate().asString().block();
                answered += body != null && body.startsWith("ok") ? 1 : 0;
            }
            String posted = client.post().uri("/orders").send(ByteBufFlux.fromString(Mono.just("{\"item\":42}")))
                .responseContent().aggregate().asString().block();
            answered += posted != null && posted.startsWith("ok") ? 1 : 0;
        } finally {
            pool.disposeLater().block();
            server.disposeNow();
        }
        out.println("  " + served.get() + " requests over " + connections.get() + " connection(s), on " + transport.get());
        out.println("expect: stack=" + name() + " port=" + server.port() + " server.requests=" + served.get()
            + " server.connections=" + connections.get() + " client.answered=" + answered + " transport=" + transport.get());
    }
}
