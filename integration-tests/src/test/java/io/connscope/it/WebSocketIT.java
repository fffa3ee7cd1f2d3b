package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.TimeWait;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WebSocket sessions followed from the 101 on, on both sides: the session span under the upgrade
 * exchange with exact frame, message and close counts, and exactly the warnings each session earns:
 * none for a client that does it by the book, the client closing TCP first for java.net.http (which
 * does not wait for the server), and an abnormal closure on both ends for an abort.
 */
class WebSocketIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void sessionsAreFollowedFrameByFrameWithTheirCloseHandshakes(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .demo("websocket-clean", "websocket", "websocket-abort", "websocket-late-close").assertSuccess();
            Spans spans = otlp.spans();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")).collect(Collectors.toList());

            int clean = port(run, "client.frames=3 server.frames=3");
            for (String role : new String[] {"client", "server"}) {
                SpanView ws = session(spans, role, clean);
                assertThat(ws.num("connscope.websocket.client.frames")).isEqualTo(3);
                assertThat(ws.num("connscope.websocket.server.frames")).isEqualTo(3);
                assertThat(ws.num("connscope.websocket.client.messages")).isEqualTo(1);
                assertThat(ws.num("connscope.websocket.client.payload_bytes")).isEqualTo(5 + 1 + 2);
                assertThat(ws.num("connscope.websocket.server.payload_bytes")).isEqualTo(5 + 1 + 2);
                assertThat(ws.num("connscope.websocket.pings")).isEqualTo(1);
                assertThat(ws.num("connscope.websocket.pongs")).isEqualTo(1);
                assertThat(ws.num("connscope.websocket.ping.round_trips")).isEqualTo(1);
                assertThat(ws.str("connscope.websocket.close.initiator")).isEqualTo("client");
                assertThat(ws.num("connscope.websocket.close.code")).isEqualTo(1000);
                assertThat(ws.num("connscope.websocket.close.reason_length")).isZero();
                assertThat(ws.bool("connscope.websocket.close.answered")).isTrue();
                assertThat(ws.str("connscope.websocket.tcp_closed_first_by")).isEqualTo("server");
                assertThat(ws.bool("connscope.websocket.accept_valid")).isTrue();
                assertThat(ws.has("error.type")).isFalse();
            }
            assertThat(rulesAt(warnings, clean)).isEmpty();

            int jdk = port(run, "client.frames=5 server.frames=5");
            for (String role : new String[] {"client", "server"}) {
                javaNetHttpSession(session(spans, role, jdk), role, "client");
            }
            assertThat(rulesAt(warnings, jdk)).containsExactly("client websocket-client-closed-tcp-first");

            // The client closed without reading the server's FIN, 200 ms after the server had closed by both their
            // clocks: the server's FIN went first, as the kernel's TCP states say, and nothing is wrong.
            assertThat(run.expectLine("late.close=true")).containsEntry("server.closed.first", "true");
            int late = port(run, "late.close=true");
            for (String role : new String[] {"client", "server"}) {
                SpanView ws = session(spans, role, late);
                assertThat(ws.str("connscope.websocket.close.initiator")).isEqualTo("client");
                assertThat(ws.str("connscope.websocket.tcp_closed_first_by")).isEqualTo("server");
            }
            assertThat(rulesAt(warnings, late)).isEmpty();

            int aborted = port(run, "client.frames=1 server.frames=1");
            for (String role : new String[] {"client", "server"}) {
                SpanView ws = session(spans, role, aborted);
                assertThat(ws.str("connscope.websocket.close.initiator")).isEqualTo("none");
                assertThat(ws.has("connscope.websocket.close.code")).isFalse();
                assertThat(ws.str("error.type")).isEqualTo("1006");
                assertThat(ws.str("connscope.websocket.tcp_closed_first_by")).isEqualTo("client");
            }
            assertThat(rulesAt(warnings, aborted)).containsExactlyInAnyOrder("client websocket-abnormal-closure",
                "server websocket-abnormal-closure");
            // The sessions counter, by outcome: the clean and the java.net.http sessions finished their close
            // handshake, on both sides; the aborted one had none.
            for (String role : new String[] {"client", "server"}) {
                assertThat(outcomes(otlp, role, clean)).isEqualTo(Map.of("clean", 1L));
                assertThat(outcomes(otlp, role, jdk)).isEqualTo(Map.of("clean", 1L));
                assertThat(outcomes(otlp, role, aborted)).isEqualTo(Map.of("none", 1L));
            }
            assertThat(run.stderr).doesNotContain("internal error");
        }
    }

    /**
     * The java.net.http session again over wss://: its client encrypts with an SSLEngine, whose
     * plaintext connscope reads; the demo's server uses an SSLSocket. The same frames and the same
     * close handshake as in cleartext, and the warning when the client's FIN went first.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void wssThroughAnSslEngineIsFollowedAsInCleartext(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            // A cold JVM's first handshakes can pass slow-setup's 300 ms, which is not what this test is about.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("rule.slow-setup.tls.ms=5000")
                .demo("websocket-tls").assertSuccess();
            Spans spans = otlp.spans();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")).collect(Collectors.toList());
            int wss = port(run, "tls=wss");
            // Over TLS the server reads the client's close_notify as its end of stream and closes at once, racing the
            // client's own close: whose FIN went first varies by run. The truth is the kernel's, read here after the
            // child exited: the side that closed first holds the connection's ports in TIME_WAIT for 60 s. Neither
            // does when a reset ended the connection (seen on JDK 17 with PlainSocketImpl): no TIME_WAIT to warn of.
            int clientPort = spans.connection("client", wss).num("network.local.port").intValue();
            String first = TimeWait.holds(clientPort, wss) ? "client" : TimeWait.holds(wss, clientPort) ? "server" : null;
            for (String role : new String[] {"client", "server"}) {
                assertThat(spans.connection(role, wss).str("tls.protocol.version")).isEqualTo("1.3");
                SpanView ws = session(spans, role, wss);
                javaNetHttpSession(ws, role, first);
                assertThat(ws.num("connscope.websocket.close.code")).isEqualTo(1000);
                assertThat(ws.bool("connscope.websocket.accept_valid")).isTrue();
                assertThat(outcomes(otlp, role, wss)).isEqualTo(Map.of("clean", 1L));
            }
            if ("client".equals(first)) {
                assertThat(rulesAt(warnings, wss)).containsExactly("client websocket-client-closed-tcp-first");
            } else {
                assertThat(rulesAt(warnings, wss)).isEmpty();
            }
        }
    }

    /** The demo's java.net.http session, as either side saw it: what it sent, and how it closed (whose FIN went first, unless null). */
    private static void javaNetHttpSession(SpanView ws, String role, String tcpClosedFirstBy) {
        assertThat(ws.num("connscope.websocket.client.frames")).isEqualTo(5);
        assertThat(ws.num("connscope.websocket.server.frames")).isEqualTo(5);
        assertThat(ws.num("connscope.websocket.client.messages")).isEqualTo(2);
        assertThat(ws.num("connscope.websocket.server.messages")).isEqualTo(2);
        assertThat(ws.num("connscope.websocket.fragmented_messages")).isEqualTo(2);
        // "hello" + "part one, " + "part two" + a 3-byte ping + Close 1000 "done"
        assertThat(ws.num("connscope.websocket.client.payload_bytes")).isEqualTo(5 + 10 + 8 + 3 + 6);
        assertThat(ws.num("connscope.websocket.ping.round_trips")).isEqualTo(1);
        // The client sent Close first: the server answers only what it read, on the thread that read it, so it
        // says so. The client's own write can be seen after the server's answer was read (its writer and its
        // reader are different threads, and the writer's hook runs once the write returned): then the order is
        // not known there, and it must say that rather than guess; it may never name the server.
        if (role.equals("server")) {
            assertThat(ws.str("connscope.websocket.close.initiator")).isEqualTo("client");
        } else {
            assertThat(ws.str("connscope.websocket.close.initiator")).isIn("client", "unknown");
        }
        assertThat(ws.num("connscope.websocket.close.reason_length")).isEqualTo(4);
        assertThat(ws.bool("connscope.websocket.close.answered")).isTrue();
        if (tcpClosedFirstBy != null) {
            assertThat(ws.str("connscope.websocket.tcp_closed_first_by")).isEqualTo(tcpClosedFirstBy);
        }
    }

    /** The one session span of a role at the port, checked to be the child of that side's 101 exchange span. */
    private static SpanView session(Spans spans, String role, int port) {
        List<SpanView> sessions = spans.where(s -> s.name().equals("WebSocket") && role.equals(s.str("connscope.connection.role"))
            && Objects.equals(s.num("server.port"), (long) port));
        assertThat(sessions).as("%s sessions at %d; spans there: %s", role, port,
            spans.where(s -> Objects.equals(s.num("server.port"), (long) port))).hasSize(1);
        SpanView ws = sessions.get(0);
        List<SpanView> upgrades = spans.exchanges(role, port);
        assertThat(upgrades).as("%s upgrade exchanges at %d", role, port).hasSize(1);
        assertThat(upgrades.get(0).num("http.response.status_code")).isEqualTo(101);
        assertThat(ws.isChildOf(upgrades.get(0))).as("the session span is a child of its upgrade").isTrue();
        assertThat(ws.str("network.protocol.name")).isEqualTo("websocket");
        return ws;
    }

    /** connscope.websocket.sessions at the destination, by close outcome, in the last export that has it. */
    private static Map<String, Long> outcomes(OtlpReceiver otlp, String role, int port) {
        List<Metric> exports = otlp.metrics("connscope.websocket.sessions");
        for (int i = exports.size() - 1; i >= 0; i--) {
            Map<String, Long> out = new TreeMap<>();
            for (NumberDataPoint p : exports.get(i).getSum().getDataPointsList()) {
                Map<String, AnyValue> a = p.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
                if (a.containsKey("server.port") && a.get("server.port").getIntValue() == port
                    && role.equals(a.get("connscope.connection.role").getStringValue())) {
                    out.put(a.get("connscope.websocket.close.outcome").getStringValue(), p.getAsInt());
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return Map.of();
    }

    /** "role rule" of every warning at the port. */
    private static List<String> rulesAt(List<LogView> warnings, int port) {
        return warnings.stream().filter(w -> Objects.equals(w.num("server.port"), (long) port))
            .map(w -> w.str("connscope.connection.role") + " " + w.str("connscope.rule")).collect(Collectors.toList());
    }

    private static int port(ChildJvm.Result run, String expect) {
        Map<String, String> line = run.expectLine(expect);
        return Integer.parseInt(line.get("port"));
    }
}
