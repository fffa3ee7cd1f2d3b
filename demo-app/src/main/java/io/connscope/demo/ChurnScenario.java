package io.connscope.demo;

import java.io.PrintStream;
import java.net.URL;

/** Bad: "Connection: close" on every request opens (and leaves in TIME_WAIT) a new connection each time. */
final class ChurnScenario implements Scenario {

    static final int REQUESTS = 10;

    @Override
    public String name() {
        return "churn";
    }

    @Override
    public String description() {
        return REQUESTS + " HTTP GETs with 'Connection: close': a new TCP connection for every request";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (HttpDemoServer server = new HttpDemoServer()) {
            URL url = server.url("/churn");
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                HttpDemoServer.get(url, true);
            }
            out.printf("  %d requests in %.1f ms, each paying for its own TCP handshake%n",
                REQUESTS, (System.nanoTime() - start) / 1e6);
            out.println("  The server closes after each answer without saying 'Connection: close', so HttpURLConnection"
                + " keeps the dead connection, writes the next request into it, and silently resends it on a new one"
                + " (compare bytes sent by the client with bytes received by the server). The server answered "
                + server.requests() + " requests.");
            out.println("expect: client.connections=" + REQUESTS + " server.connections=" + REQUESTS + " port=" + url.getPort());
        }
    }
}
