package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * HttpURLConnection against a server that closes idle keep-alive connections after 200 ms without
 * saying so (HttpURLConnection keeps them for 5 s). The next request goes out on the dead
 * connection, finds it closed, and the JDK silently sends it again on a new one: harmless for GET,
 * a double submission for POST. The JDK resends from two places: after a failed write (which
 * {@code sun.net.http.retryPost=false} does not stop) and after a failed read (which it does), shown
 * here by a server that reads a request and closes without answering. Each step gets its own
 * server, so its own keep-alive cache entry.
 */
final class StaleKeepAliveScenario implements Scenario {

    static final int IDLE_CLOSE_MS = 200;
    static final int WAIT_MS = 600;

    @Override
    public String name() {
        return "stale-keepalive";
    }

    @Override
    public String description() {
        return "HttpURLConnection reuses connections the server closed while idle: the JDK resends silently,"
            + " POST included";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        step(out, "post", "POST", "/orders", false, false, WAIT_MS);
        step(out, "get", "GET", "/items", false, false, WAIT_MS);
        step(out, "post-idempotency-key", "POST", "/payments", true, false, WAIT_MS);
        step(out, "post-dropped", "POST", "/drop-once/orders", false, false, 0);
        step(out, "post-streaming", "POST", "/drop-once/uploads", false, true, 0);
        out.println("  -Dsun.net.http.retryPost=false stops only the resend after a failed read (post-dropped);"
            + " streaming mode is never resent.");
    }

    /**
     * Primes a keep-alive connection with a GET, waits (long enough for the server to close it, or
     * not at all), then sends the request under test on it.
     */
    private static void step(PrintStream out, String step, String method, String path, boolean idempotencyKey,
                             boolean streaming, int waitMillis) throws Exception {
        try (WireServer server = new WireServer(IDLE_CLOSE_MS, 0)) {
            URL base = new URL("http", "127.0.0.1", server.port(), "/");
            request(new URL(base, "/prime"), "GET", false, false);
            Thread.sleep(waitMillis);
            String outcome;
            try {
                outcome = "status " + request(new URL(base, path), method, idempotencyKey, streaming);
            } catch (IOException e) {
                outcome = "failed (" + e.getClass().getSimpleName() + ")";
            }
            int requests = server.requests();
            out.printf("  %-21s %s %s -> %s; the server read %d request(s) in all%n", step, method, path, outcome, requests);
            out.println("expect: step=" + step + " port=" + server.port() + " server.requests=" + requests
                + " outcome=" + outcome.replace(' ', '_'));
        }
    }

    static int request(URL url, String method, boolean idempotencyKey, boolean streaming) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestMethod(method);
        if (idempotencyKey) {
            c.setRequestProperty("Idempotency-Key", "8e03978e-40d5-43e8-bc93-6894a57f9324");
        }
        if (method.equals("POST")) {
            byte[] body = RawHttp.POST_BODY.getBytes(StandardCharsets.US_ASCII);
            c.setDoOutput(true);
            if (streaming) {
                c.setFixedLengthStreamingMode(body.length);
            }
            try (OutputStream o = c.getOutputStream()) {
                o.write(body);
            }
        }
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        return c.getResponseCode();
    }
}
