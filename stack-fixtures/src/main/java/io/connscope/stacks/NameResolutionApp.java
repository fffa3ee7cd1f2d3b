package io.connscope.stacks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Connects by name, through a resolver the test controls: {@code -Djdk.net.hosts.file} names a FIFO
 * the test writes each answer into, after a delay it chooses. With {@code <port>} the port of the
 * test's dead listener on 127.0.0.2 (its backlog full, so connects there time out), this application
 * serves HTTP on 127.0.0.1 at that same port and:
 * <ol>
 *   <li>resolves {@code slow.test} itself, timing the look-up, and connects to the answer's first
 *   address on the same thread (one GET); then does the same again, the answer now cached;</li>
 *   <li>sends one GET with Apache HttpClient 5 (connect timeout 500 ms) to {@code fallback.test},
 *   whose answer lists 127.0.0.2 first: the client falls back to 127.0.0.1;</li>
 *   <li>sends one GET with it to {@code ok.test} (127.0.0.1 only), and one to 127.0.0.1 itself;</li>
 *   <li>connects to {@code slow.test} again, 3 s after its look-up, the JDK's cache answering.</li>
 * </ol>
 * Its own truth goes to {@code expect:} lines: look-up times, the client's request times, the
 * server's request count.
 */
public final class NameResolutionApp {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        awaitAgentExport();
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 50);
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        server.start();
        long firstLookup = System.nanoTime();
        try {
            for (String step : new String[] {"slow", "cached"}) {
                long start = System.nanoTime();
                InetAddress[] answer = InetAddress.getAllByName("slow.test");
                long lookup = System.nanoTime() - start;
                get(new InetSocketAddress(answer[0], port));
                System.out.println("expect: step=" + step + " lookup.ms=" + millis(lookup) + " answer="
                    + Arrays.stream(answer).map(InetAddress::getHostAddress).reduce((a, b) -> a + "," + b).orElse(""));
            }
            ConnectionConfig connect = ConnectionConfig.custom().setConnectTimeout(Timeout.ofMilliseconds(500)).build();
            try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setDefaultConnectionConfig(connect).build()).build()) {
                for (String host : new String[] {"fallback.test", "ok.test", "127.0.0.1"}) {
                    long start = System.nanoTime();
                    String body = client.execute(new HttpGet("http://" + host + ":" + port + "/"),
                        response -> EntityUtils.toString(response.getEntity()));
                    System.out.println("expect: step=apache host=" + host + " request.ms=" + millis(System.nanoTime() - start)
                        + " body=" + body);
                }
            }
            // slow.test again, 3 s after its look-up: the JDK's cache still answers (30 s by default).
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(firstLookup + TimeUnit.SECONDS.toNanos(3) - System.nanoTime())));
            get(new InetSocketAddress(InetAddress.getAllByName("slow.test")[0], port));
            System.out.println("expect: step=later since.lookup.ms=" + millis(System.nanoTime() - firstLookup));
        } finally {
            server.stop(0);
        }
        System.out.println("expect: result=done server.requests=" + served.get());
    }

    /**
     * Waits until connscope's OpenTelemetry SDK is built (its batch processor's thread runs): building
     * it looks the host's own name up (the host resource), and a look-up reading the FIFO at the same
     * time as this application's would share its one answer.
     */
    private static void awaitAgentExport() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("BatchSpanProcessor"))) {
            Thread.sleep(20);
        }
    }

    /** One GET on a connection of its own, on this thread. */
    private static void get(InetSocketAddress to) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: slow.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            in.readAllBytes();
        }
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
    }
}
