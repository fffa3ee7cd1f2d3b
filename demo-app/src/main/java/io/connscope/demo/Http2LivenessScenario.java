package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * HTTP/2 beyond requests: flow control and liveness.
 * <ul>
 *   <li>{@code http2-flow-control}: java.net.http posts to Jetty over TLS. To a server that grants
 *       each stream 16 KiB and reads slowly, the client waits on the window (http2-flow-control-blocked);
 *       to one with Jetty's default windows that reads at once, it does not. Then Jetty's HTTP/2 client
 *       PINGs a server through a 20 ms delay line, timing each round trip itself.</li>
 *   <li>{@code http2-rapid-reset}: Jetty's HTTP/2 client opens streams and resets each at once, in
 *       bulk, against a Jetty that tolerates it (http2-rapid-reset, on the server's side: Jetty's own
 *       default ends such a session itself, with ENHANCE_YOUR_CALM); on another connection it cancels
 *       a few of its requests, as clients do, which raises nothing.</li>
 * </ul>
 */
final class Http2LivenessScenario extends NamedScenario {

    static final int POST_BYTES = 256 * 1024;
    static final int STREAM_WINDOW = 16 * 1024;
    static final int PINGS = 5;
    static final int RAPID_RESETS = 110;
    static final int CANCELS = 5;
    static final int CALM_REQUESTS = 20;

    private final boolean flow;

    private Http2LivenessScenario(String name, String description, boolean flow) {
        super(name, description);
        this.flow = flow;
    }

    static Http2LivenessScenario flowControl() {
        return new Http2LivenessScenario("http2-flow-control", "java.net.http posts " + POST_BYTES / 1024 + " KiB over"
            + " HTTP/2 to a server granting " + STREAM_WINDOW / 1024 + " KiB per stream that reads slowly, then to one"
            + " that does not; PINGs through a delay line", true);
    }

    static Http2LivenessScenario rapidReset() {
        return new Http2LivenessScenario("http2-rapid-reset", "Jetty's HTTP/2 client resets " + RAPID_RESETS
            + " streams as soon as it opened them; on another connection it cancels " + CANCELS + " of "
            + CALM_REQUESTS + " requests", false);
    }

    @Override
    public void run(PrintStream out) throws Exception {
        if (flow) {
            posts(out);
            pings(out);
        } else {
            resets(out);
        }
    }

    private static void posts(PrintStream out) throws Exception {
        SSLContext tls = LoopbackTls.context();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls).build();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(new byte[POST_BYTES]);
        try (Http2DemoServer slow = new Http2DemoServer(tls, Http2DemoServer.MAX_CONCURRENT_STREAMS, STREAM_WINDOW, 0);
             Http2DemoServer fast = new Http2DemoServer(tls)) {
            // A GET first, so that the client has the server's SETTINGS (its 16 KiB stream window) before it posts: a
            // body sent at once would go on the default 65,535 bytes, which Jetty answers with FLOW_CONTROL_ERROR.
            client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + slow.port() + "/first")).build(),
                HttpResponse.BodyHandlers.ofString());
            client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + fast.port() + "/first")).build(),
                HttpResponse.BodyHandlers.ofString());
            long start = System.nanoTime();
            int status = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + slow.port() + "/slow-read"))
                .POST(body).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            out.println("  POST to a slow reader: " + status + " in " + slowMillis + " ms; the server paused "
                + slow.readPauses() + " times");
            int fastStatus = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + fast.port() + "/posted"))
                .POST(body).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            out.println("expect: http2.flow=slow port=" + slow.port() + " status=" + status + " server.pauses="
                + slow.readPauses() + " server.pause.ms=" + Http2DemoServer.READ_PAUSE_MILLIS + " client.ms=" + slowMillis);
            out.println("expect: http2.flow=fast port=" + fast.port() + " status=" + fastStatus);
        }
    }

    /** PINGs by Jetty's client through a delay line; each round trip as the client's own clock has it. */
    private static void pings(PrintStream out) throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        try (Http2DemoServer server = new Http2DemoServer(null);
             DelayLine line = DelayLine.start(server.port(), ReusePriceScenario.ONE_WAY_MS)) {
            Session session = client.connect(new InetSocketAddress("127.0.0.1", line.port()), new Session.Listener() {
                @Override
                public void onPing(Session s, PingFrame frame) {
                    Pinger.answered(frame);
                }
            }).get(10, TimeUnit.SECONDS);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < PINGS; i++) {
                long rtt = Pinger.ping(session, i + 1);
                min = Math.min(min, rtt);
                max = Math.max(max, rtt);
            }
            session.close(ErrorCode.NO_ERROR.code, "done", Callback.NOOP);
            out.printf(Locale.ROOT, "  %d PINGs through a %d ms delay line: %.1f to %.1f ms%n", PINGS,
                ReusePriceScenario.ONE_WAY_MS, min / 1e6, max / 1e6);
            out.printf(Locale.ROOT, "expect: http2.ping=delay-line port=%d pings=%d client.rtt.min.ms=%.2f client.rtt.max.ms=%.2f%n",
                line.port(), PINGS, min / 1e6, max / 1e6);
            Thread.sleep(200); // the GOAWAY and the close travel through the line
        } finally {
            client.stop();
        }
    }

    /** Sends a PING and waits for its acknowledgement, timed from just before the send to the answer's arrival. */
    private static final class Pinger {
        private static volatile CompletableFuture<Long> answer;
        private static volatile long expected;

        static long ping(Session session, long payload) throws Exception {
            CompletableFuture<Long> done = new CompletableFuture<>();
            answer = done;
            expected = payload;
            long start = System.nanoTime();
            session.ping(new PingFrame(payload, false), Callback.NOOP);
            return done.get(10, TimeUnit.SECONDS) - start;
        }

        static void answered(PingFrame frame) {
            CompletableFuture<Long> done = answer;
            if (frame.isReply() && frame.getPayloadAsLong() == expected && done != null) {
                done.complete(System.nanoTime());
            }
        }
    }

    private static void resets(PrintStream out) throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        // The first server bounds resets no more than servers did before October 2023; the second is Jetty's default.
        try (Http2DemoServer rapid = new Http2DemoServer(null, Http2DemoServer.MAX_CONCURRENT_STREAMS, 0, 10_000);
             Http2DemoServer calm = new Http2DemoServer(null)) {
            int reset = open(client, rapid.port(), RAPID_RESETS, RAPID_RESETS);
            int cancelled = open(client, calm.port(), CALM_REQUESTS, CANCELS);
            Thread.sleep(2 * Http2DemoServer.SLOW_MILLIS); // the requests not reset are answered
            out.println("  " + reset + " streams reset as soon as opened; " + cancelled + " of " + CALM_REQUESTS
                + " requests cancelled on another connection");
            out.println("expect: http2.resets=rapid port=" + rapid.port() + " client.streams=" + RAPID_RESETS
                + " client.resets=" + reset);
            out.println("expect: http2.resets=calm port=" + calm.port() + " client.streams=" + CALM_REQUESTS
                + " client.resets=" + cancelled);
        } finally {
            client.stop();
        }
    }

    /** Opens {@code streams} GET streams on a new connection, 10 ms apart, resetting the first {@code reset} at once. */
    private static int open(HTTP2Client client, int port, int streams, int reset) throws Exception {
        Session session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() { })
            .get(10, TimeUnit.SECONDS);
        int sent = 0;
        for (int i = 0; i < streams; i++) {
            MetaData.Request get = new MetaData.Request("GET", HttpURI.from("http://127.0.0.1:" + port + "/rapid-reset"),
                HttpVersion.HTTP_2, HttpFields.EMPTY);
            Stream stream = session.newStream(new HeadersFrame(get, null, true), new Stream.Listener() { })
                .get(10, TimeUnit.SECONDS);
            if (i < reset) {
                stream.reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code)).get(10, TimeUnit.SECONDS);
                sent++;
            }
            Thread.sleep(10);
        }
        return sent;
    }
}
