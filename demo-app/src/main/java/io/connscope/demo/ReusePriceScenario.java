package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The price of not reusing: HTTPS to one destination through a delay line (so a TLS handshake costs
 * real round trips), first from a pooled client (HttpsURLConnection's keep-alive cache), then from a
 * client that opens a connection per request; connscope's setup-dominates fires there. Another
 * destination reached only by the pooled client stays silent. The clients time every request
 * themselves, and the per-request client its own connect and handshake: the saving connscope states,
 * a setup, lies within those.
 */
final class ReusePriceScenario implements Scenario {

    static final int REQUESTS = 10;
    static final int ONE_WAY_MS = 20;
    private static final int WARM_UP = 3;

    @Override
    public String name() {
        return "reuse-price";
    }

    @Override
    public String description() {
        return "HTTPS through a " + ONE_WAY_MS + " ms delay line, pooled and a connection per request: setup-dominates;"
            + " pooled only: no warning";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext tls = LoopbackTls.context();
        SSLSocketFactory factory = tls.getSocketFactory(); // one: it is part of the keep-alive cache's key
        try (HttpDemoServer server = new HttpDemoServer(tls);
             DelayLine both = DelayLine.start(server.url("/").getPort(), ONE_WAY_MS);
             DelayLine pooledOnly = DelayLine.start(server.url("/").getPort(), ONE_WAY_MS)) {
            // Straight to the server first, so class loading and the JIT are paid before anything is timed.
            int direct = server.url("/").getPort();
            pooled(factory, direct, WARM_UP);
            perRequest(factory, direct, WARM_UP);
            long[] pooled = pooled(factory, both.port(), REQUESTS);
            long[] freshAndSetups = perRequest(factory, both.port(), REQUESTS);
            long[] fresh = Arrays.copyOf(freshAndSetups, REQUESTS);
            long[] setups = Arrays.copyOfRange(freshAndSetups, REQUESTS, 2 * REQUESTS);
            double setupMs = meanMillis(setups, 0);
            double setupMaxMs = Arrays.stream(setups).max().orElse(0) / 1e6;
            long[] healthy = pooled(factory, pooledOnly.port(), REQUESTS);
            // The pooled client's first request opened its connection; the rest reused it.
            double reusedMs = meanMillis(pooled, 1);
            double newMs = meanMillis(fresh, 0);
            out.printf(Locale.ROOT, "  pooled: %.1f ms a request once connected; a connection per request: %.1f ms%n",
                reusedMs, newMs);
            out.printf(Locale.ROOT, "expect: reuse.price=both port=%d client.reused.mean.ms=%.2f client.new.mean.ms=%.2f"
                + " client.saving.ms=%.2f client.setup.mean.ms=%.2f client.setup.max.ms=%.2f line.connections=%d"
                + " server.requests=%d%n", both.port(), reusedMs, newMs, newMs - reusedMs, setupMs, setupMaxMs, both.accepted(),
                server.requests());
            out.printf(Locale.ROOT, "expect: reuse.price=pooled port=%d client.reused.mean.ms=%.2f line.connections=%d%n",
                pooledOnly.port(), meanMillis(healthy, 1), pooledOnly.accepted());
        }
    }

    /** Requests through HttpsURLConnection, each body read to its end so the connection is reused; each one's time. */
    private static long[] pooled(SSLSocketFactory factory, int port, int n) throws Exception {
        URL url = new URL("https", "localhost", port, "/reuse-price/pooled");
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
            c.setSSLSocketFactory(factory);
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            times[i] = System.nanoTime() - start;
        }
        return times;
    }

    /**
     * Requests each on a TLS connection of its own, closed once its response has been read: each one's
     * time, and (from {@code n} on) each one's setup, its connect and TLS handshake, as the client times them.
     */
    private static long[] perRequest(SSLSocketFactory factory, int port, int n) throws Exception {
        long[] times = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            try (SSLSocket s = (SSLSocket) factory.createSocket("localhost", port)) {
                s.startHandshake();
                times[n + i] = System.nanoTime() - start;
                OutputStream o = s.getOutputStream();
                RawHttp.send(o, RawHttp.request("GET", "/reuse-price/per-request", "HTTP/1.1", port));
                int status = RawHttp.readResponse(new BufferedInputStream(s.getInputStream()));
                times[i] = System.nanoTime() - start;
                if (status != 200) {
                    throw new IllegalStateException("status " + status);
                }
            }
        }
        return times;
    }

    private static double meanMillis(long[] times, int from) {
        long sum = 0;
        for (int i = from; i < times.length; i++) {
            sum += times[i];
        }
        return sum / 1e6 / (times.length - from);
    }
}
