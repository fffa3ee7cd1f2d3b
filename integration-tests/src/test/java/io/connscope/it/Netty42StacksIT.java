package io.connscope.it;

import static io.connscope.it.support.StackChecks.bytesMatch;
import static io.connscope.it.support.StackChecks.pooledExchanges;
import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Netty 4.2's native transports and Vert.x 5 on its native transport, from the stack-fixtures
 * module (Netty 4.2 cannot share a classpath with the Reactor Netty of {@link ProductionStacksIT}).
 * epoll and io_uring are both followed in full.
 */
class Netty42StacksIT {

    private static final String NATIVE = "netty-native";
    private static final String[] ROLES = {"client", "server"};
    private static final int NETTY_REQUESTS = 10;
    private static final int VERTX_REQUESTS = 11;

    private static List<String> classpath;

    @BeforeAll
    static void fixtures() throws Exception {
        classpath = StackFixtures.classpath();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void netty42OnEpoll(Jvm jvm) throws Exception {
        netty42(jvm, "epoll");
    }

    /** io_uring moves bytes through rings, not calls: the same figures, read from its submissions and completions. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void netty42OnIoUring(Jvm jvm) throws Exception {
        netty42(jvm, "io_uring");
    }

    /** connscope's failures at the rings stay its own: Netty's exchanges go on, and the hook disables itself. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aFailingIoUringHookLeavesNettyAlone(Jvm jvm) throws Exception {
        ChildJvm.Result run = ChildJvm.on(jvm).agentArgs("hook.max.failures=3").failingHooks("io-uring")
            .main("io.connscope.stacks.Netty42App", classpath, "io_uring").assertSuccess();
        Map<String, String> truth = run.expectLine("stack=netty42-io_uring ");
        Assumptions.assumeTrue("true".equals(truth.get("available")),
            "the kernel refuses io_uring here (" + truth.get("cause") + "): skipped");
        assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(NETTY_REQUESTS));
        assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(NETTY_REQUESTS));
        assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] internal error in hook 'io-uring'"))).hasSize(1);
        assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] hook 'io-uring' disabled after repeated internal"
            + " errors"))).hasSize(1);
    }

    private static void netty42(Jvm jvm, String transport) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.Netty42App", classpath, transport)
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=netty42-" + transport + " ");
            Assumptions.assumeTrue("true".equals(truth.get("available")),
                "the kernel refuses " + transport + " here (" + truth.get("cause") + "): skipped");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(NETTY_REQUESTS));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(NETTY_REQUESTS));
            assertThat(truth.get("server.connections")).isEqualTo("1");
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            for (String role : ROLES) {
                assertThat(spans.connections(role, port)).as(role).hasSize(1);
                SpanView c = spans.connection(role, port);
                assertThat(c.str("connscope.connection.api")).as(role).isEqualTo(NATIVE);
                assertThat(c.num("connscope.http.requests")).isEqualTo(NETTY_REQUESTS);
                assertThat(c.num("connscope.http.responses")).isEqualTo(NETTY_REQUESTS);
                assertThat(spans.exchanges(role, port)).hasSize(NETTY_REQUESTS)
                    .allSatisfy(e -> assertThat(e.num("http.response.status_code")).isEqualTo(200L))
                    .allSatisfy(e -> assertThat(e.num("http.response.body.size")).isEqualTo(20L));
            }
            // The client closed first, after reading every response: the server saw it first.
            assertThat(spans.connection("client", port).str("connscope.close.classification")).isEqualTo("local-close");
            assertThat(spans.connection("server", port).str("connscope.close.classification")).isEqualTo("peer-first");
            // The server's own count of what its channels read and wrote, and the client's view of the same bytes.
            SpanView server = spans.connection("server", port);
            assertThat(server.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(truth.get("server.bytes_in")));
            assertThat(server.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(truth.get("server.bytes_out")));
            bytesMatch(spans, port, true);
            assertThat(warningsAt(otlp, port)).isEmpty();
            assertThat(run.stderr).doesNotContain("is in use (");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void vertxOnItsNativeTransport(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.VertxApp", classpath).assertSuccess();
            Map<String, String> truth = run.expectLine("stack=vertx ");
            assertThat(truth.get("native")).isEqualTo("true");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(VERTX_REQUESTS));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(VERTX_REQUESTS));
            int port = Integer.parseInt(truth.get("port"));
            int connections = Integer.parseInt(truth.get("server.connections"));
            pooledExchanges(otlp.spans(), port, connections, VERTX_REQUESTS);
            assertThat(warningsAt(otlp, port)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void epollEdges(Jvm jvm) throws Exception {
        edges(jvm, "epoll");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void ioUringEdges(Jvm jvm) throws Exception {
        edges(jvm, "io_uring");
    }

    /**
     * What a native transport does besides TCP goes through the same socket classes: a Unix domain
     * socket and a connected UDP socket are not followed. A response written as one composite buffer,
     * which Netty sends with a gathering write, is read like any other. A refused connect and a reset
     * are said as the client's own handlers met them, and the server's SO_LINGER 0 close is the abortive
     * close that caused the reset.
     */
    private static void edges(Jvm jvm, String transport) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.NettyEdgesApp", classpath, transport)
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=netty-edges-" + transport + " ");
            Assumptions.assumeTrue("true".equals(truth.get("available")),
                "the kernel refuses " + transport + " here (" + truth.get("cause") + "): skipped");
            assertThat(truth.get("uds.bytes")).isEqualTo("100");
            assertThat(truth.get("udp.datagrams")).isEqualTo("3");
            assertThat(truth.get("server.requests")).isEqualTo("5");
            assertThat(truth.get("client.answered")).isEqualTo("5");
            int port = Integer.parseInt(truth.get("port"));
            int refused = Integer.parseInt(truth.get("refused.port"));
            int reset = Integer.parseInt(truth.get("reset.port"));
            Spans spans = otlp.spans();
            assertThat(spans.where(s -> s.name().startsWith("connection "))).as("only the TCP connections' ends")
                .hasSize(5).allSatisfy(c -> assertThat(c.num("server.port")).isIn((long) port, (long) refused, (long) reset));
            for (String role : ROLES) {
                SpanView c = spans.connection(role, port);
                assertThat(c.num("connscope.http.requests")).as(role).isEqualTo(5);
                assertThat(c.num("connscope.http.responses")).isEqualTo(5);
                assertThat(c.has("connscope.http.analysis_stopped")).isFalse();
                assertThat(spans.exchanges(role, port)).hasSize(5)
                    .allSatisfy(e -> assertThat(e.num("http.response.body.size")).isEqualTo(14L));
            }
            bytesMatch(spans, port, true);
            assertThat(warningsAt(otlp, port)).isEmpty();

            assertThat(truth.get("refused.error")).contains("ConnectException:").contains("Connection_refused");
            SpanView failed = spans.connection("client", refused);
            assertThat(failed.str("connscope.close.classification")).isEqualTo("connect-failed");
            assertThat(failed.str("error.type")).endsWith("ConnectException");

            assertThat(truth.get("reset.error")).contains("Connection_reset_by_peer");
            assertThat(spans.connection("client", reset).str("connscope.close.classification")).isEqualTo("reset");
            SpanView aborted = spans.connection("server", reset);
            assertThat(aborted.str("connscope.close.classification")).isEqualTo("abortive");
            assertThat(aborted.str("connscope.close.sequence")).endsWith(",close-linger-0,close");
            assertThat(warningsAt(otlp, reset)).extracting(l -> l.str("connscope.rule"))
                .containsExactlyInAnyOrder("abortive-close", "connection-reset");
        }
    }
}
