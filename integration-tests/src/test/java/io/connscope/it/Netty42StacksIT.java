package io.connscope.it;

import static io.connscope.it.support.StackChecks.bytesMatch;
import static io.connscope.it.support.StackChecks.pooledExchanges;
import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.Jvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Netty 4.2's native transports and Vert.x 5 on its native transport, from the stack-fixtures
 * module (Netty 4.2 cannot share a classpath with the Reactor Netty of {@link ProductionStacksIT}).
 * epoll is followed in full; io_uring is not followed, and connscope says so instead of leaving a blank.
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
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.Netty42App", classpath, "epoll")
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=netty42-epoll ");
            assertThat(truth.get("available")).isEqualTo("true");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(NETTY_REQUESTS));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(NETTY_REQUESTS));
            assertThat(truth.get("server.connections")).isEqualTo("1");
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            for (String role : ROLES) {
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
            bytesMatch(spans, port, true);
            assertThat(warningsAt(otlp, port)).isEmpty();
            assertThat(run.stderr).doesNotContain("is in use (");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void ioUringIsNamedNotLeftBlank(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.Netty42App", classpath, "io_uring")
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=netty42-io_uring ");
            Assumptions.assumeTrue("true".equals(truth.get("available")),
                "the kernel refuses io_uring here (" + truth.get("cause") + "): skipped");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(NETTY_REQUESTS));
            int port = Integer.parseInt(truth.get("port"));
            assertThat(otlp.spans().connections("client", port)).isEmpty();
            // Named in the log, once per channel class, and in the report's notes.
            assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] Netty's io_uring transport is in use (")))
                .containsExactlyInAnyOrder(
                    "[connscope] Netty's io_uring transport is in use (io.netty.channel.uring.IoUringServerSocketChannel): connscope"
                        + " does not follow connections over it, which are missing from its report and telemetry; the NIO or"
                        + " epoll transport is followed",
                    "[connscope] Netty's io_uring transport is in use (io.netty.channel.uring.IoUringSocketChannel): connscope"
                        + " does not follow connections over it, which are missing from its report and telemetry; the NIO or"
                        + " epoll transport is followed");
            assertThat(run.stderr).contains("Netty's io_uring transport is in use (io.netty.channel.uring.IoUringSocketChannel):"
                + " connections over it are not followed and are missing from this report");
            List<Metric> unfollowed = otlp.metrics("connscope.stacks.unfollowed");
            assertThat(unfollowed).isNotEmpty();
            Metric last = unfollowed.get(unfollowed.size() - 1);
            assertThat(last.getSum().getDataPoints(0).getAsInt()).isEqualTo(2);
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

    /**
     * What epoll does besides TCP goes through the same socket classes: a Unix domain socket and a
     * connected UDP socket are not followed. And a response written as one composite buffer, which Netty
     * sends with a gathering writev, is read like any other.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void onlyTcpIsFollowedAndGatheringWritesAreRead(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.NettyEdgesApp", classpath)
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=netty-edges ");
            assertThat(truth.get("uds.bytes")).isEqualTo("100");
            assertThat(truth.get("udp.datagrams")).isEqualTo("3");
            assertThat(truth.get("server.requests")).isEqualTo("5");
            assertThat(truth.get("client.answered")).isEqualTo("5");
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            assertThat(spans.where(s -> s.name().startsWith("connection "))).as("only the TCP connection's two ends")
                .hasSize(2).allSatisfy(c -> assertThat(c.num("server.port")).isEqualTo((long) port));
            for (String role : ROLES) {
                SpanView c = spans.connection(role, port);
                assertThat(c.num("connscope.http.requests")).as(role).isEqualTo(5);
                assertThat(c.num("connscope.http.responses")).isEqualTo(5);
                assertThat(c.has("connscope.http.analysis_stopped")).isFalse();
                assertThat(spans.exchanges(role, port)).hasSize(5)
                    .allSatisfy(e -> assertThat(e.num("http.response.body.size")).isEqualTo(14L));
            }
            bytesMatch(spans, port, true);
        }
    }
}
