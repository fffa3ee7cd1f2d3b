package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

/**
 * HTTP/2: many requests multiplexed over one connection, reached the three ways a connection can
 * come to speak it: ALPN over TLS, an h2c upgrade, and prior knowledge.
 */
final class Http2Scenario implements Scenario {

    private enum Way { ALPN, UPGRADE, PRIOR_KNOWLEDGE, STREAM_LIMIT }

    /** The stream-limit scenario's server limit, and the requests sent at once against it. */
    static final int LIMIT = 2;
    static final int AT_ONCE = 6;

    private final Way way;

    private Http2Scenario(Way way) {
        this.way = way;
    }

    /** java.net.http over TLS: h2 by ALPN, streams held open at once, a stream the server resets, and a POST. */
    static Http2Scenario tls() {
        return new Http2Scenario(Way.ALPN);
    }

    /** java.net.http in cleartext: its first request asks to upgrade to h2c. */
    static Http2Scenario upgrade() {
        return new Http2Scenario(Way.UPGRADE);
    }

    /** java.net.http sends more requests at once than the server's SETTINGS_MAX_CONCURRENT_STREAMS allows. */
    static Http2Scenario streamLimit() {
        return new Http2Scenario(Way.STREAM_LIMIT);
    }

    /** Jetty's HTTP/2 client in cleartext: it starts with the connection preface (java.net.http cannot). */
    static Http2Scenario priorKnowledge() {
        return new Http2Scenario(Way.PRIOR_KNOWLEDGE);
    }

    @Override
    public String name() {
        switch (way) {
            case ALPN:
                return "http2";
            case UPGRADE:
                return "http2-h2c-upgrade";
            case STREAM_LIMIT:
                return "http2-stream-limit";
            default:
                return "http2-prior-knowledge";
        }
    }

    @Override
    public String description() {
        switch (way) {
            case ALPN:
                return "java.net.http over HTTP/2 with TLS (ALPN h2): " + Http2DemoServer.HELD
                    + " streams at once, one reset by the server, a POST, then GOAWAY";
            case UPGRADE:
                return "java.net.http over cleartext HTTP/2, reached by an h2c upgrade";
            case STREAM_LIMIT:
                return "java.net.http sends " + AT_ONCE + " requests at once to a server that allows " + LIMIT
                    + " concurrent streams";
            default:
                return "Jetty's HTTP/2 client over cleartext HTTP/2 by prior knowledge";
        }
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext tls = way == Way.ALPN ? LoopbackTls.context() : null;
        int port;
        int served;
        try (Http2DemoServer server = new Http2DemoServer(tls,
            way == Way.STREAM_LIMIT ? LIMIT : Http2DemoServer.MAX_CONCURRENT_STREAMS)) {
            port = server.port();
            if (way == Way.PRIOR_KNOWLEDGE) {
                priorKnowledge(out, port);
            } else {
                javaNetHttp(out, tls, port);
            }
            served = server.requests();
        }
        // Stopping the server sent GOAWAY on the connection it still had.
        out.println("expect: scenario.http2=" + name() + " port=" + port + " server.requests=" + served);
    }

    private void javaNetHttp(PrintStream out, SSLContext tls, int port) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2);
        HttpClient client = (tls == null ? builder : builder.sslContext(tls)).build();
        URI base = URI.create(tls == null ? "http://127.0.0.1:" + port : "https://localhost:" + port);
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(base.resolve("/first")).build(),
            HttpResponse.BodyHandlers.ofString());
        out.println("  GET /first: " + first.statusCode() + " over " + first.version());
        // Each side sees a stream end when its last frame has been read or written. The server's hook on that
        // write can still be running when the client's next requests arrive: a moment lets both sides see
        // /first end, so the streams counted open at once are only those the demo opens together.
        Thread.sleep(100);
        if (way == Way.STREAM_LIMIT) {
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                sent.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/slow/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                try {
                    ok += f.get(20, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
                } catch (java.util.concurrent.ExecutionException e) {
                    out.println("  failed: " + e.getCause());
                }
            }
            out.println("  " + ok + " of " + AT_ONCE + " answered");
            return;
        }
        if (way == Way.UPGRADE) {
            for (int i = 0; i < 2; i++) {
                client.send(HttpRequest.newBuilder(base.resolve("/next")).build(), HttpResponse.BodyHandlers.ofString());
            }
            out.println("  two more GETs on the upgraded connection");
            return;
        }
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < Http2DemoServer.HELD; i++) {
            held.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/hold/" + i)).build(),
                HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : held) {
            f.get(20, TimeUnit.SECONDS);
        }
        out.println("  " + Http2DemoServer.HELD + " GETs held open together by the server, then answered");
        String reset;
        try {
            reset = "status " + client.send(HttpRequest.newBuilder(base.resolve("/reset")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            reset = "failed";
        }
        out.println("  GET /reset: " + reset + " (the server reset the stream)");
        int post = client.send(HttpRequest.newBuilder(base.resolve("/orders"))
            .POST(HttpRequest.BodyPublishers.ofString("order=1")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        out.println("  POST /orders: " + post);
    }

    private static void priorKnowledge(PrintStream out, int port) throws Exception {
        org.eclipse.jetty.client.HttpClient client =
            new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            for (int i = 0; i < 2; i++) {
                ContentResponse r = client.GET("http://127.0.0.1:" + port + "/prior/" + i);
                out.println("  GET /prior/" + i + ": " + r.getStatus() + " over " + r.getVersion());
            }
        } finally {
            client.stop();
        }
    }
}
