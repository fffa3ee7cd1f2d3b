package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * java.net.http's WebSocket client against the demo's server: messages, a fragmented one, a ping,
 * and then either the close handshake, after which that client closes TCP without waiting for the
 * server, or an abort that skips the handshake.
 */
final class WebSocketScenario implements Scenario {

    private final boolean abort;
    private final boolean tls;

    private WebSocketScenario(boolean abort, boolean tls) {
        this.abort = abort;
        this.tls = tls;
    }

    static Scenario closed() {
        return new WebSocketScenario(false, false);
    }

    static Scenario aborted() {
        return new WebSocketScenario(true, false);
    }

    /** The closed session over wss://: java.net.http encrypts with an SSLEngine, the server with an SSLSocket. */
    static Scenario tls() {
        return new WebSocketScenario(false, true);
    }

    @Override
    public String name() {
        return abort ? "websocket-abort" : tls ? "websocket-tls" : "websocket";
    }

    @Override
    public String description() {
        return abort ? "a java.net.http WebSocket session aborted without a close handshake (1006 on both ends)"
            : "a java.net.http WebSocket session" + (tls ? " over wss:// (TLS through its SSLEngine)" : "") + ": two messages (one in two fragments), a ping, and the close handshake;"
            + " then java.net.http closes TCP without waiting for the server to";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext context = tls ? LoopbackTls.context() : null;
        try (WebSocketDemoServer server = new WebSocketDemoServer(1, true, context)) {
            Echoes echoes = new Echoes(abort ? 1 : 2);
            HttpClient client = tls ? HttpClient.newBuilder().sslContext(context).build() : HttpClient.newHttpClient();
            URI uri = URI.create((tls ? "wss://localhost:" : "ws://127.0.0.1:") + server.port() + "/echo");
            WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, echoes).get(10, TimeUnit.SECONDS);
            ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
            if (abort) {
                echoes.messages.await(10, TimeUnit.SECONDS);
                ws.abort();
                Thread.sleep(200); // the server sees the end of the connection
                out.println("  1 message echoed, then abort(): no Close frame either way");
                out.println("expect: port=" + server.port() + " client.frames=1 server.frames=1");
                return;
            }
            ws.sendText("part one, ", false).get(10, TimeUnit.SECONDS);
            ws.sendText("part two", true).get(10, TimeUnit.SECONDS);
            ws.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
            echoes.messages.await(10, TimeUnit.SECONDS);
            echoes.pong.get(10, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            int code = echoes.closed.get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // both ends see the TCP close
            out.println("  2 messages echoed (one in 2 fragments), 1 ping answered, Close " + code + " answered");
            // client: text, 2 fragments, ping, close; the server echoes the same, with a pong and its close
            out.println("expect: port=" + server.port() + " client.frames=5 server.frames=5 close.code=" + code
                + (tls ? " tls=wss" : ""));
        }
    }

    /** Counts the echoed messages, the pong and the server's Close. */
    private static final class Echoes implements WebSocket.Listener {
        final CountDownLatch messages;
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        Echoes(int expected) {
            messages = new CountDownLatch(expected);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (last) {
                messages.countDown();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pong.complete(null);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }
}
