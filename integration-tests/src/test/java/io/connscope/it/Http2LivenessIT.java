package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 flow control and liveness against Jetty: a sender waiting on a slow reader's window, PING
 * round trips through a delay line, and a client resetting its streams in bulk; each against the
 * truth of its own side (the server's pauses, the client's own timing of its PINGs, the client's
 * count of its resets), with healthy counterparts that raise nothing.
 */
class Http2LivenessIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void flowControlWaitsPingRoundTripsAndRapidResets(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            // A cold JVM's first TLS handshakes can pass slow-setup's 300 ms, which is not what this test is about.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).timeoutSeconds(120)
                .agentArgs("rule.slow-setup.tls.ms=5000").demo("http2-flow-control", "http2-rapid-reset").assertSuccess();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.eventName().equals("connscope.warning"))
                .collect(Collectors.toList());
            Spans spans = otlp.spans();

            // The slow reader: the server paused 150 ms after every 16 KiB it read; the client, sending into a
            // 16 KiB stream window, waited for each WINDOW_UPDATE. Both sides raise it, with the same waits.
            Map<String, String> slow = run.expectLine("http2.flow=slow");
            int slowPort = Integer.parseInt(slow.get("port"));
            int pauses = Integer.parseInt(slow.get("server.pauses"));
            assertThat(slow.get("status")).isEqualTo("200");
            assertThat(pauses).as("the server's own count of its pauses").isEqualTo(16);
            for (String role : List.of("client", "server")) {
                List<LogView> here = at(warnings, role, slowPort);
                assertThat(here).extracting(w -> w.str("connscope.rule")).as(role)
                    .containsExactly("http2-flow-control-blocked");
                String evidence = here.get(0).str("connscope.evidence");
                Matcher m = Pattern.compile("the client used its flow-control window up (\\d+) time\\(s\\) with more to send"
                    + " and waited for the server's WINDOW_UPDATE: (\\d+) ms in all, at most (\\d+) ms \\((\\d+) time\\(s\\)"
                    + " a stream's window of 16384 bytes").matcher(evidence);
                assertThat(m.find()).as(evidence).isTrue();
                int waits = Integer.parseInt(m.group(1));
                long total = Long.parseLong(m.group(2));
                long longest = Long.parseLong(m.group(3));
                // Each pause held the window shut at most once; a wait is at most a pause, and the client's side sees
                // it late by the server's reading, the server's early by its sending.
                assertThat(waits).as(evidence).isBetween(pauses / 2, pauses);
                assertThat(longest).as(evidence).isBetween(100L, 150L + 60);
                assertThat(total).as(evidence).isBetween(waits * 80L, (long) pauses * (150 + 30));
                SpanView connection = spans.connections(role, slowPort).get(0);
                assertThat(connection.num("connscope.http2.client.flow_control.waits")).isEqualTo(waits);
                assertThat(connection.num("connscope.http2.client.data_bytes")).isGreaterThanOrEqualTo(256 * 1024L);
            }
            // Jetty's default windows and a reader that reads at once: the same POST waits on nothing.
            int fastPort = Integer.parseInt(run.expectLine("http2.flow=fast").get("port"));
            assertThat(at(warnings, "client", fastPort)).isEmpty();
            assertThat(at(warnings, "server", fastPort)).isEmpty();
            assertThat(spans.connections("client", fastPort).get(0).has("connscope.http2.client.flow_control.waits"))
                .isFalse();

            // PINGs through the 20 ms delay line: about its 40 ms round trip (a write is timed as its call returns, when
            // the line may already hold the bytes: a little under, seen 39.2 ms), and within the client's own timing of
            // each (from before its send to its answer's arrival, which holds connscope's write-to-read).
            Map<String, String> ping = run.expectLine("http2.ping=delay-line");
            SpanView pinged = spans.connections("client", Integer.parseInt(ping.get("port"))).get(0);
            assertThat(pinged.num("connscope.http2.client.ping.round_trips")).isEqualTo(5);
            assertThat(pinged.num("connscope.http2.client.pings")).isEqualTo(5);
            assertThat(pinged.dbl("connscope.http2.client.ping.rtt_min_ms")).isGreaterThanOrEqualTo(35.0)
                .isLessThanOrEqualTo(Double.parseDouble(ping.get("client.rtt.min.ms")));
            assertThat(pinged.dbl("connscope.http2.client.ping.rtt_max_ms"))
                .isLessThanOrEqualTo(Double.parseDouble(ping.get("client.rtt.max.ms")));

            // Streams reset as soon as opened, in bulk: the server's side says so, with the client's own count.
            Map<String, String> rapid = run.expectLine("http2.resets=rapid");
            int rapidPort = Integer.parseInt(rapid.get("port"));
            assertThat(rapid.get("client.resets")).isEqualTo("110");
            List<LogView> server = at(warnings, "server", rapidPort);
            assertThat(server).extracting(w -> w.str("connscope.rule")).containsExactly("http2-rapid-reset");
            assertThat(server.get(0).str("connscope.evidence")).startsWith("on HTTP/2 connection ")
                .contains(" the client reset 110 of the 110 streams it opened within 100 ms of opening them, before any response"
                    + " on them began");
            assertThat(at(warnings, "client", rapidPort)).isEmpty();
            assertThat(spans.connections("server", rapidPort).get(0).num("connscope.http2.client.rst_streams_rapid"))
                .isEqualTo(110);
            // A few cancels among ordinary requests: nothing.
            int calmPort = Integer.parseInt(run.expectLine("http2.resets=calm").get("port"));
            assertThat(run.expectLine("http2.resets=calm").get("client.resets")).isEqualTo("5");
            assertThat(at(warnings, "server", calmPort)).isEmpty();
            assertThat(at(warnings, "client", calmPort)).isEmpty();
        }
    }

    private static List<LogView> at(List<LogView> warnings, String role, int port) {
        return warnings.stream().filter(w -> role.equals(w.str("connscope.connection.role"))
            && Objects.equals(w.num("server.port"), (long) port)).collect(Collectors.toList());
    }
}
