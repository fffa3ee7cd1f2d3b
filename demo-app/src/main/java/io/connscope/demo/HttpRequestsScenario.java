package io.connscope.demo;

import java.io.PrintStream;
import java.net.URL;

/**
 * HTTP requests with HttpURLConnection against the JDK's HTTP server: GETs and POSTs over one
 * persistent connection (good), or GETs with "Connection: close" on each, a new TCP connection per
 * request (bad).
 */
final class HttpRequestsScenario implements Scenario {

    static final int REQUESTS = 10;
    /** The keep-alive tour ends with this many POSTs, which must stay as healthy as the GETs. */
    static final int POSTS = 2;
    /** The W3C specification's example: connscope puts the exchange span under this parent. */
    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final boolean closeEachTime;

    private HttpRequestsScenario(boolean closeEachTime) {
        this.closeEachTime = closeEachTime;
    }

    static Scenario keepAlive() {
        return new HttpRequestsScenario(false);
    }

    static Scenario churn() {
        return new HttpRequestsScenario(true);
    }

    @Override
    public String name() {
        return closeEachTime ? "churn" : "keep-alive";
    }

    @Override
    public String description() {
        return closeEachTime
            ? REQUESTS + " HTTP GETs with 'Connection: close': a new TCP connection for every request"
            : (REQUESTS - POSTS) + " HTTP GETs and " + POSTS + " POSTs over one persistent connection (the handshake"
                + " is paid once)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (HttpDemoServer server = new HttpDemoServer()) {
            URL url = server.url("/" + name());
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                String method = !closeEachTime && i >= REQUESTS - POSTS ? "POST" : "GET";
                HttpDemoServer.request(url, method, closeEachTime, i == 0 ? TRACEPARENT : null);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            int connections = closeEachTime ? REQUESTS : 1;
            if (closeEachTime) {
                out.printf("  %d requests in %.1f ms, each paying for its own TCP handshake%n", REQUESTS, millis);
                out.println("  The server closes after each answer without saying 'Connection: close', so HttpURLConnection"
                    + " keeps the dead connection, writes the next request into it, and silently resends it on a new one"
                    + " (compare bytes sent by the client with bytes received by the server). The server answered "
                    + server.requests() + " requests.");
            } else {
                out.printf("  %d requests in %.1f ms, each body read to the end so the connection is reused;"
                    + " the first carries a W3C traceparent, as a tracer would add%n", REQUESTS, millis);
                out.println("  The JDK's HttpServer writes headers and body separately; it runs with"
                    + " -Dsun.net.httpserver.nodelay=true here, which spares each request the write-write-read stall of the"
                    + " nodelay scenario.");
            }
            out.println("expect: client.connections=" + connections + " server.connections=" + connections
                + " traceparent=" + TRACEPARENT + " posts=" + (closeEachTime ? 0 : POSTS) + " port=" + url.getPort() + " "
                + server.lastHeaders());
        }
    }
}
