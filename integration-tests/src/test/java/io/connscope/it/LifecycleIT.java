package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.LifecycleApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Connections that stay open, leak, fail to connect, or use the socket adaptor and layered TLS. */
class LifecycleIT {

    private static ChildJvm.Result run(Jvm jvm, OtlpReceiver otlp, String... args) throws Exception {
        return ChildJvm.on(jvm).exportingTo(otlp)
            .fixture(LifecycleApp.class, List.of(ChildJvm.DEMO_JAR.toString()), args).assertSuccess();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void connectionsStillOpenAtExitAreExportedAsSuch(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "open-at-exit");
            int port = Integer.parseInt(run.expectLine("sent=42").get("port"));
            Spans spans = otlp.spans();
            for (String role : new String[] {"client", "server"}) {
                List<SpanView> c = spans.connections(role, port);
                assertThat(c).hasSize(1);
                assertThat(c.get(0).str("connscope.close.classification")).isEqualTo("open-at-exit");
                assertThat(c.get(0).bool("connscope.connection.open_at_exit")).isTrue();
                assertThat(c.get(0).str("connscope.close.initiator")).isEqualTo("none");
            }
            SpanView client = spans.connections("client", port).get(0);
            assertThat(client.num("connscope.connection.bytes_sent")).isEqualTo(42);
            // TCP_NODELAY turned on through setOption after the first write: on, but too late.
            assertThat(client.bool("connscope.tcp_nodelay")).isTrue();
            assertThat(client.bool("connscope.tcp_nodelay.before_first_write")).isFalse();
            assertThat(client.str("connscope.close.sequence")).isEqualTo("connect,first-write,nodelay-on");
            assertThat(spans.connections("server", port).get(0).num("connscope.connection.bytes_received")).isEqualTo(42);
            assertThat(run.stderr).containsPattern("(?m)^  :" + port + " +1 +0 +0 +42 .*open-at-exit 1$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void socketsCollectedWithoutCloseAreReportedAsLeaked(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "leak", "25");
            Map<String, String> expect = run.expectLine("leaked=");
            int port = Integer.parseInt(expect.get("port"));
            List<SpanView> leaked = otlp.spans().connections("client", port);
            assertThat(leaked).hasSize(25).allSatisfy(s -> {
                assertThat(s.str("connscope.close.classification")).isEqualTo("leaked");
                assertThat(s.str("connscope.close.sequence")).endsWith("garbage-collected");
                assertThat(s.num("connscope.connection.bytes_sent")).isEqualTo(10);
            });
        }
    }

    /**
     * FileChannel.transferTo a SocketChannel goes by sendfile, past the channel's write: its bytes are
     * counted all the same, equal to what the server read, and the HTTP analysis stops there.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void bytesSentByTransferToAreCounted(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "transfer-to");
            Map<String, String> expect = run.expectLine("server.received=");
            long received = Long.parseLong(expect.get("server.received"));
            assertThat(received).isEqualTo(Long.parseLong(expect.get("head.bytes")) + Long.parseLong(expect.get("file.bytes")));
            int port = Integer.parseInt(expect.get("port"));
            Spans spans = otlp.spans();
            SpanView client = spans.connection("client", port);
            assertThat(client.num("connscope.connection.bytes_sent")).isEqualTo(received);
            assertThat(spans.connection("server", port).num("connscope.connection.bytes_received")).isEqualTo(received);
            assertThat(client.num("connscope.http.requests")).isEqualTo(1);
        }
    }

    /** SO_LINGER 0, set on a Socket and on a SocketChannel: their closes are abortive, and the server's reads met the resets. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void lingerZeroClosesAreAbortive(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "linger-zero");
            Map<String, String> expect = run.expectLine("server.resets=");
            int port = Integer.parseInt(expect.get("port"));
            Spans spans = otlp.spans();
            List<SpanView> clients = spans.connections("client", port);
            assertThat(clients).extracting(s -> s.str("connscope.connection.api")).containsExactlyInAnyOrder("socket", "channel");
            assertThat(clients).allSatisfy(s -> {
                assertThat(s.str("connscope.close.classification")).isEqualTo("abortive");
                assertThat(s.str("connscope.close.sequence")).endsWith("first-write,close-linger-0,close");
            });
            List<SpanView> servers = spans.connections("server", port);
            assertThat(servers).hasSize(2);
            assertThat(servers.stream().filter(s -> "reset".equals(s.str("connscope.close.classification"))).count())
                .as("connscope's resets, the server's own count").isEqualTo(Long.parseLong(expect.get("server.resets")))
                .isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void failedConnectsAreReportedWithTheirError(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "connect-failure");
            Map<String, String> expect = run.expectLine("failures=");
            assertThat(expect.get("failures")).isEqualTo("3");
            int port = Integer.parseInt(expect.get("port"));
            Spans spans = otlp.spans();
            List<SpanView> failed = spans.connections("client", port);
            assertThat(failed).hasSize(3).allSatisfy(s -> {
                assertThat(s.str("connscope.close.classification")).isEqualTo("connect-failed");
                assertThat(s.str("error.type")).isEqualTo("java.net.ConnectException");
                assertThat(s.span.getStatus().getCode().getNumber()).isEqualTo(2);
                SpanView connect = spans.child(s, "socket connect");
                assertThat(connect.str("error.type")).isEqualTo("java.net.ConnectException");
            });
            assertThat(failed).extracting(s -> s.str("connscope.connection.api"))
                .containsExactlyInAnyOrder("socket", "channel", "channel");
            assertThat(run.stderr).containsPattern("(?m)^  localhost:" + port + " +0 +3 .*connect-failed 3$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void socketAdaptorOfAChannelIsFollowed(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "adaptor");
            int port = Integer.parseInt(run.expectLine("sent=77").get("port"));
            List<SpanView> client = otlp.spans().connections("client", port);
            assertThat(client).hasSize(1);
            SpanView c = client.get(0);
            assertThat(c.str("connscope.connection.api")).isEqualTo("channel");
            assertThat(c.num("connscope.connection.bytes_sent")).isEqualTo(77);
            assertThat(c.num("connscope.connection.bytes_received")).isEqualTo(333);
            assertThat(c.str("connscope.close.classification")).isEqualTo("graceful");
            SpanView server = otlp.spans().connections("server", port).get(0);
            assertThat(server.str("connscope.close.sequence"))
                .isEqualTo("accept,first-read,shutdown-input,first-write,close");
            assertThat(server.str("connscope.close.classification")).isEqualTo("local-close");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void tlsLayeredOverAPlainSocketIsAttributedToIt(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = run(jvm, otlp, "layered-tls");
            int port = Integer.parseInt(run.expectLine("tls=true").get("port"));
            Spans spans = otlp.spans();
            List<SpanView> client = spans.connections("client", port);
            assertThat(client).hasSize(1);
            assertThat(client.get(0).str("tls.protocol.version")).isEqualTo("1.3");
            assertThat(client.get(0).bool("tls.resumed")).isFalse();
            assertThat(spans.child(client.get(0), "TLS handshake").durationNanos()).isPositive();
        }
    }
}
