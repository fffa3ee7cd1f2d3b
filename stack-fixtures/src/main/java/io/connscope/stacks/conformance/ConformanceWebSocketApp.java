package io.connscope.stacks.conformance;

import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The conformance suite's WebSocket session: OkHttp's WebSocket client against MockWebServer's, by
 * their documentation. The client sends {@value #MESSAGES} text messages, the server echoes each, then
 * the client closes with 1000 and the server answers the Close with its own as it is told of it.
 * Prints what each side's listener saw, for the tests to hold connscope's attribution to: {@code
 * expect: conformance=websocket port=<p> echoed=<n> server.got.close=<code> server.closed.after.reading=<bool>
 * client.got.close=<code> closed=<bool>}.
 */
public final class ConformanceWebSocketApp {

    static final int MESSAGES = 3;

    private ConformanceWebSocketApp() {
    }

    public static void main(String[] args) throws Exception {
        AtomicInteger serverGotClose = new AtomicInteger(-1);
        AtomicBoolean serverClosedAfterReading = new AtomicBoolean();
        MockWebServer server = new MockWebServer();
        server.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
            @Override
            public void onMessage(WebSocket ws, String text) {
                ws.send(text);
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                serverGotClose.set(code);
                serverClosedAfterReading.set(ws.close(1000, null)); // true: this Close is the server's first
            }
        }).build());
        server.start(InetAddress.getLoopbackAddress(), 0);
        int port = server.getPort();

        OkHttpClient client = new OkHttpClient();
        CountDownLatch echoes = new CountDownLatch(MESSAGES);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger clientGotClose = new AtomicInteger(-1);
        WebSocket ws = client.newWebSocket(new Request.Builder().url(server.url("/ws")).build(), new WebSocketListener() {
            @Override
            public void onMessage(WebSocket webSocket, String text) {
                echoes.countDown();
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                clientGotClose.set(code);
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                closed.countDown();
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                System.out.println("websocket failure: " + t);
                closed.countDown();
            }
        });
        for (int i = 0; i < MESSAGES; i++) {
            ws.send("message " + i);
        }
        boolean echoed = echoes.await(10, TimeUnit.SECONDS);
        ws.close(1000, "done");
        boolean done = closed.await(10, TimeUnit.SECONDS);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        server.close();
        System.out.println("expect: conformance=websocket port=" + port + " echoed=" + (echoed ? MESSAGES : MESSAGES - echoes.getCount())
            + " server.got.close=" + serverGotClose.get() + " server.closed.after.reading=" + serverClosedAfterReading.get()
            + " client.got.close=" + clientGotClose.get() + " closed=" + done);
    }
}
