package io.connscope.it;

import static io.connscope.it.support.StackChecks.bytesMatch;
import static io.connscope.it.support.StackChecks.pooledExchanges;
import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.GrpcKeepaliveApp;
import io.connscope.it.fixtures.TomcatAprApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stacks production services run on, on their own defaults, as the demo shows them: gRPC
 * (grpc-netty-shaded, its bundled epoll transport, and over TLS its bundled BoringSSL engine) and
 * Reactor Netty (Netty 4.1 on epoll). Client and server share a JVM; the truth is what the servers
 * and clients count themselves.
 */
class ProductionStacksIT {

    private static final String NATIVE = "netty-native";
    private static final String[] ROLES = {"client", "server"};
    /** The demo's gRPC scenarios: 5 unary calls, a server-streaming and a bidi call of 3 messages each way. */
    private static final int UNARY_CALLS = 5;
    private static final int STREAMED = 3;
    private static final int REACTOR_REQUESTS = 11;
    /** Where Debian's libtcnative-1 puts tomcat-native. */
    private static final String TCNATIVE_DIR = "/usr/lib/x86_64-linux-gnu";

    @BeforeAll
    static void nativeTransportsNeedLinuxX86() {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"),
            "Netty's native transports are tested on Linux x86_64 only; skipped on " + System.getProperty("os.name")
                + "/" + System.getProperty("os.arch"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void grpcOnEpollInPlaintext(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("grpc").assertSuccess();
            int port = grpcTruth(run, false);
            Spans spans = otlp.spans();
            grpcCalls(spans, port);
            for (String role : ROLES) {
                assertThat(spans.connection(role, port).has("tls.protocol.version")).isFalse();
            }
            bytesMatch(spans, port, true);
            assertThat(warningsAt(otlp, port)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void grpcOverBoringSslOnEpoll(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("grpc-tls").assertSuccess();
            int port = grpcTruth(run, true);
            Spans spans = otlp.spans();
            grpcCalls(spans, port);
            for (String role : ROLES) {
                SpanView c = spans.connection(role, port);
                assertThat(c.str("tls.protocol.version")).as(role).isEqualTo("1.3");
                assertThat(c.str("tls.cipher")).startsWith("TLS_");
                assertThat(c.str("tls.next_protocol")).isEqualTo("h2");
                assertThat(c.bool("tls.resumed")).isFalse();
                assertThat(c.num("connscope.tls.handshakes")).isEqualTo(1);
                assertThat(c.str("connscope.http2.detected_by")).isEqualTo("alpn");
            }
            // The TCP bytes are the ciphertext: all the client sent, the server read. The client closes right after
            // its close_notify; the server's reply, one 24-byte TLS 1.3 record, then reaches a closed socket, whose
            // kernel answers with RST (seen so in a packet capture). That reset harms nothing, and raises nothing.
            bytesMatch(spans, port, false);
            SpanView server = spans.connection("server", port);
            long unread = server.num("connscope.connection.bytes_sent")
                - spans.connection("client", port).num("connscope.connection.bytes_received");
            // The server sees the reset only when it reads again before it closes.
            assertThat(unread).as("nothing, or the server's close_notify").isIn(0L, 24L);
            if ("reset".equals(server.str("connscope.close.classification"))) {
                assertThat(unread).as("the server's close_notify, unread").isEqualTo(24);
            }
            assertThat(warningsAt(otlp, port)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void reactorNettyOnEpoll(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("reactor-netty").assertSuccess();
            Map<String, String> truth = run.expectLine("stack=reactor-netty port=");
            assertThat(truth.get("transport")).isEqualTo("EpollSocketChannel");
            int requests = REACTOR_REQUESTS;
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(requests));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(requests));
            int port = Integer.parseInt(truth.get("port"));
            int connections = Integer.parseInt(truth.get("server.connections"));
            pooledExchanges(otlp.spans(), port, connections, requests);
            assertThat(warningsAt(otlp, port)).isEmpty();
        }
    }

    /**
     * With Netty's incubator io_uring transport on the classpath, Reactor Netty prefers it to epoll: the
     * same exchanges, followed at its rings. Skipped with a message where the kernel refuses io_uring.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void reactorNettyOnIncubatorIoUring(Jvm jvm) throws Exception {
        List<String> classpath = new ArrayList<>();
        classpath.add(ChildJvm.DEMO_JAR.toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("netty-incubator-transport-")) {
                classpath.add(entry);
            }
        }
        assertThat(classpath).as("the incubator's classes and native library").hasSize(3);
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.demo.DemoMain", classpath, "reactor-netty")
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=reactor-netty port=");
            Assumptions.assumeTrue("IOUringSocketChannel".equals(truth.get("transport")),
                "Reactor Netty did not take io_uring here (" + truth.get("transport") + "): the kernel refuses it; skipped");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(REACTOR_REQUESTS));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(REACTOR_REQUESTS));
            int port = Integer.parseInt(truth.get("port"));
            pooledExchanges(otlp.spans(), port, Integer.parseInt(truth.get("server.connections")), REACTOR_REQUESTS);
            assertThat(warningsAt(otlp, port)).isEmpty();
            assertThat(run.stderr).doesNotContain("is in use (");
        }
    }

    /**
     * Tomcat 9 on its APR connector, whose sockets are JNI handles connscope does not follow: the
     * server side is missing, and connscope says so, naming the class, in its log (once), the report's
     * notes and {@code connscope.stacks.unfollowed}. The HttpURLConnection client is followed as ever.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void anUnfollowedStackIsNamedNotLeftBlank(Jvm jvm) throws Exception {
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("tomcat-")) {
                classpath.add(entry);
            }
        }
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).jvmArg("-Djava.library.path=" + TCNATIVE_DIR)
                .fixture(TomcatAprApp.class, classpath).assertSuccess();
            Map<String, String> truth = run.expectLine("stack=tomcat-apr ");
            assertThat(truth.get("apr")).as("tomcat-native (Debian's libtcnative-1, which .ci/run installs) loaded")
                .isEqualTo("true");
            assertThat(truth.get("server.requests")).isEqualTo("5");
            assertThat(truth.get("client.answered")).isEqualTo("5");
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            assertThat(spans.connections("server", port)).isEmpty();
            // The client's keep-alive connection, and Tomcat's own wake-up connection to its acceptor as it stops
            // (an HTTP/1.0 "OPTIONS *", closed with SO_LINGER 0).
            assertThat(spans.connections("client", port)).extracting(c -> c.num("connscope.http.requests"))
                .containsExactlyInAnyOrder(5L, 1L);
            assertThat(spans.exchanges("client", port)).extracting(e -> e.str("http.request.method"))
                .containsExactlyInAnyOrder("GET", "GET", "GET", "GET", "GET", "OPTIONS");
            String what = "Tomcat's APR connector (tomcat-native) is in use (org.apache.tomcat.util.net.AprEndpoint)";
            assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] " + what))).containsExactly("[connscope] " + what
                + ": connscope does not follow connections over it, which are missing from its report and telemetry;"
                + " Tomcat's NIO and NIO2 connectors are followed, with OpenSSL's TLS too");
            assertThat(run.unwrappedStderr()).contains(what + ": connections over it are not followed and are missing from this report");
            List<Metric> unfollowed = otlp.metrics("connscope.stacks.unfollowed");
            assertThat(unfollowed).isNotEmpty();
            assertThat(unfollowed.get(unfollowed.size() - 1).getSum().getDataPoints(0).getAsInt()).isEqualTo(1);
        }
    }

    /** The app's own counts: every call made and served, over one connection, on epoll. */
    private static int grpcTruth(ChildJvm.Result run, boolean tls) {
        Map<String, String> truth = run.expectLine(tls ? "stack=grpc-tls port=" : "stack=grpc port=");
        assertThat(truth.get("epoll")).isEqualTo("true");
        assertThat(truth.get("openssl")).isEqualTo(String.valueOf(tls));
        assertThat(truth.get("server.calls")).isEqualTo(String.valueOf(UNARY_CALLS + 2));
        assertThat(truth.get("server.messages")).isEqualTo(String.valueOf(UNARY_CALLS + 1 + STREAMED));
        assertThat(truth.get("client.messages")).isEqualTo(String.valueOf(UNARY_CALLS + 2 * STREAMED));
        assertThat(truth.get("server.connections")).isEqualTo("1");
        return Integer.parseInt(truth.get("port"));
    }

    /** One connection at each end, over the native transport, with one HTTP/2 stream per call. */
    private static void grpcCalls(Spans spans, int port) {
        int calls = UNARY_CALLS + 2;
        for (String role : ROLES) {
            SpanView c = spans.connection(role, port);
            assertThat(c.str("connscope.connection.api")).as(role).isEqualTo(NATIVE);
            assertThat(c.str("network.protocol.version")).isEqualTo("2");
            assertThat(c.num("connscope.http2.streams")).isEqualTo(calls);
            assertThat(c.num("connscope.http.requests")).isEqualTo(calls);
            assertThat(c.num("connscope.http.responses")).isEqualTo(calls);
            assertThat(c.has("connscope.http2.hpack_failure")).isFalse();
            assertThat(c.has("connscope.http2.framing_failure")).isFalse();
            List<SpanView> exchanges = spans.exchanges(role, port);
            assertThat(exchanges).extracting(e -> e.str("url.path")).filteredOn("/demo.Echo/Say"::equals)
                .hasSize(UNARY_CALLS);
            assertThat(exchanges).extracting(e -> e.str("url.path")).filteredOn(p -> !p.equals("/demo.Echo/Say"))
                .containsExactlyInAnyOrder("/demo.Echo/Count", "/demo.Echo/Chat");
            assertThat(exchanges).extracting(e -> e.str("http.request.method")).containsOnly("POST");
            assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
            assertThat(exchanges).extracting(e -> e.str("network.protocol.version")).containsOnly("2");
            // The RPC conventions, and the messages each way counted from their length prefixes.
            assertThat(exchanges).extracting(e -> e.str("rpc.system")).containsOnly("grpc");
            assertThat(exchanges).extracting(e -> e.str("rpc.service")).containsOnly("demo.Echo");
            assertThat(exchanges).extracting(e -> e.num("rpc.grpc.status_code")).containsOnly(0L);
            assertThat(exchanges).noneMatch(e -> e.has("error.type"));
            assertThat(exchanges).extracting(e -> e.name() + " " + e.str("rpc.method") + " "
                    + e.num("connscope.grpc.request_messages") + "/" + e.num("connscope.grpc.response_messages"))
                .containsExactlyInAnyOrder("demo.Echo/Say Say 1/1", "demo.Echo/Say Say 1/1", "demo.Echo/Say Say 1/1",
                    "demo.Echo/Say Say 1/1", "demo.Echo/Say Say 1/1",
                    "demo.Echo/Count Count 1/" + STREAMED,
                    "demo.Echo/Chat Chat " + STREAMED + "/" + STREAMED);
        }
    }

    /**
     * grpc-java's shortest client keepalive (10 s) against a server that permits a PING every 5 minutes
     * (its default), during a call: the server's third strike ends the connection with GOAWAY
     * ENHANCE_YOUR_CALM "too_many_pings", and the client's call fails. One JVM: it
     * takes 30 s.
     */
    @org.junit.jupiter.api.Test
    void grpcKeepaliveMoreFrequentThanTheServerPermits() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).timeoutSeconds(120)
                .fixture(GrpcKeepaliveApp.class, List.of(ChildJvm.DEMO_JAR.toString())).assertSuccess();
            Map<String, String> truth = run.expectLine("stack=grpc-pings ");
            assertThat(truth.get("client.status")).isEqualTo("RESOURCE_EXHAUSTED"); // how grpc-java reports ENHANCE_YOUR_CALM
            int port = Integer.parseInt(truth.get("port"));
            List<LogView> warnings = warningsAt(otlp, port);
            assertThat(warnings).extracting(w -> w.str("connscope.rule"))
                .containsExactlyInAnyOrder("grpc-too-many-pings", "grpc-too-many-pings");
            assertThat(warnings).allSatisfy(w -> assertThat(w.str("connscope.evidence"))
                .contains("GOAWAY ENHANCE_YOUR_CALM \"too_many_pings\" after the client sent 3 PING(s)")
                .contains("1 cut short"));
            Spans spans = otlp.spans();
            for (String role : ROLES) {
                SpanView c = spans.connection(role, port);
                assertThat(c.str("connscope.http2.goaway.error")).isEqualTo("ENHANCE_YOUR_CALM");
                assertThat(c.str("connscope.http2.goaway.debug")).isEqualTo("too_many_pings");
            }
        }
    }

    /** A server whose connections live 1 s with 200 ms of grace cuts a call that outlives them. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void grpcMaxConnectionAgeCutsARunningCall(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("grpc-max-age").assertSuccess();
            Map<String, String> truth = run.expectLine("stack=grpc-max-age port=");
            assertThat(truth.get("client.status")).isIn("UNAVAILABLE", "CANCELLED");
            int port = Integer.parseInt(truth.get("port"));
            List<LogView> warnings = warningsAt(otlp, port);
            assertThat(warnings).extracting(w -> w.str("connscope.rule"))
                .containsExactlyInAnyOrder("grpc-max-age-cut", "grpc-max-age-cut");
            assertThat(warnings).allSatisfy(w -> assertThat(w.str("connscope.evidence"))
                .contains("(GOAWAY \"max_age\", NO_ERROR) while 1 call(s) were running, the first /demo.Echo/Watch"));
            Spans spans = otlp.spans();
            for (String role : ROLES) {
                List<SpanView> calls = spans.exchanges(role, port);
                assertThat(calls).as(role).singleElement().satisfies(e -> assertThat(e.has("error.type")).isTrue());
            }
        }
    }
}
