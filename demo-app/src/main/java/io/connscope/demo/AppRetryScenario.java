package io.connscope.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * An application-level retry loop on plain sockets: when the connection fails before the answer,
 * it sends the same request again on a new connection. The server read the first attempt, so a
 * POST may now be processed twice, unless it carries an Idempotency-Key the server deduplicates on.
 */
final class AppRetryScenario implements Scenario {

    @Override
    public String name() {
        return "app-retry";
    }

    @Override
    public String description() {
        return "an application retries requests after the connection failed: POST (unsafe), POST with"
            + " Idempotency-Key and GET (safe)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (WireServer server = new WireServer(0, 0)) {
            int port = server.port();
            int post = withRetry(port, RawHttp.request("POST", "/drop-once/charge", "HTTP/1.1", port));
            int keyed = withRetry(port, RawHttp.request("POST", "/drop-once/refund", "HTTP/1.1", port,
                "Idempotency-Key: 5f1d7c2e-refund-42"));
            int get = withRetry(port, RawHttp.request("GET", "/drop-once/report", "HTTP/1.1", port));
            out.println("  each request's first attempt was read by the server and left unanswered; the retry got "
                + post + ", " + keyed + ", " + get + "; the server read " + server.requests() + " requests");
            out.println("expect: port=" + port + " client.connections=6 server.requests=" + server.requests());
        }
    }

    /** Sends the request on a new connection; after an I/O failure, once more on another one. */
    private static int withRetry(int port, byte[] request) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setTcpNoDelay(true);
                RawHttp.send(s.getOutputStream(), request);
                return RawHttp.readResponse(s.getInputStream());
            } catch (IOException e) {
                if (attempt == 2) {
                    throw e;
                }
            }
        }
    }
}
