package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection described while it lives: the demo's long-lived connection (a GET every 250 ms for
 * 3 s, then 2.5 s idle) under a one-second snapshot interval. Each snapshot is checked against the
 * client's own record of when each request started and ended, and against the connection's span
 * once it has ended.
 */
class ConnectionSnapshotsIT {

    /** The client's clock reads milliseconds; connscope's log timestamps come from System.nanoTime mapped to it. */
    private static final long SLACK_MS = 5;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aConnectionHeldPastSeveralIntervalsIsDescribedAtEach(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("snapshot.interval.ms=1000")
                .demo("long-lived").assertSuccess();
            Map<String, String> expect = run.expectLine("long.lived=http");
            int port = Integer.parseInt(expect.get("port"));
            long[] starts = times(expect.get("client.starts.ms"));
            long[] ends = times(expect.get("client.ends.ms"));
            assertThat(Integer.parseInt(expect.get("server.requests"))).isEqualTo(12);

            for (String role : List.of("client", "server")) {
                List<LogView> snapshots = otlp.logs().stream()
                    .filter(l -> l.eventName().equals("connscope.connection.snapshot"))
                    .filter(l -> role.equals(l.str("connscope.connection.role")) && Objects.equals(l.num("server.port"), (long) port))
                    .sorted(Comparator.comparingLong(l -> l.log.getTimeUnixNano()))
                    .collect(Collectors.toList());
                // 5.5 s of life, the first second before any snapshot: four at least, one a second.
                assertThat(snapshots).as(role).hasSizeGreaterThanOrEqualTo(4);
                SpanView span = otlp.spans().connections(role, port).get(0);
                long previousBytes = 0;
                for (int i = 0; i < snapshots.size(); i++) {
                    LogView s = snapshots.get(i);
                    long at = s.log.getTimeUnixNano() / 1_000_000;
                    assertThat(s.num("connscope.connection.snapshot")).isEqualTo(i + 1L);
                    assertThat(s.num("connscope.connection.id")).isEqualTo(span.num("connscope.connection.id"));
                    assertThat(s.severityText()).isEqualTo("INFO");
                    // Requests seen so far: at least those the client had finished, at most those it had begun.
                    long requests = s.num("connscope.http.requests");
                    assertThat(requests).as("%s snapshot %d at %d", role, i + 1, at)
                        .isBetween(count(ends, at - SLACK_MS), count(starts, at + SLACK_MS));
                    assertThat(s.num("connscope.http.responses")).isBetween(count(ends, at - SLACK_MS), requests);
                    // Its age: the connection opened while the client's first request was under way.
                    assertThat(s.dbl("connscope.connection.age_ms")).as(role).isBetween((double) at - ends[0] - SLACK_MS,
                        (double) at - starts[0] + SLACK_MS);
                    assertThat(s.dbl("connscope.connection.age_ms")).isGreaterThanOrEqualTo(1000.0);
                    long sent = s.num("connscope.connection.bytes_sent");
                    assertThat(sent).isGreaterThanOrEqualTo(previousBytes)
                        .isLessThanOrEqualTo(span.num("connscope.connection.bytes_sent"));
                    previousBytes = sent;
                    if (count(ends, at - SLACK_MS) == 12) {
                        // After the last response: idle since it, nothing in flight.
                        assertThat(s.str("http.connection.state")).isEqualTo("idle");
                        assertThat(s.dbl("connscope.connection.idle_ms")).as(role)
                            .isBetween((double) at - ends[11] - 2 * SLACK_MS, (double) at - starts[11] + SLACK_MS);
                    }
                }
                // The last one, in the idle two seconds and a half at the end, saw every request.
                LogView last = snapshots.get(snapshots.size() - 1);
                assertThat(last.num("connscope.http.requests")).isEqualTo(12);
                assertThat(last.dbl("connscope.connection.idle_ms")).isGreaterThan(1000.0);
                assertThat(last.log.getBody().getStringValue()).startsWith("connection " + span.num("connscope.connection.id")
                    + " (" + role + ") open 0h 00m 0").contains("HTTP idle: 12 requests, 12 responses;")
                    .endsWith("0 warning(s) so far (snapshot " + snapshots.size() + ")");
            }
            // The demo's other connections lived under a second: none was described.
            assertThat(otlp.logs().stream().filter(l -> l.eventName().equals("connscope.connection.snapshot"))
                .filter(l -> !Objects.equals(l.num("server.port"), (long) port))).isEmpty();
        }
    }

    private static long[] times(String list) {
        return Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** How many of the times are at or before {@code at}. */
    private static long count(long[] times, long at) {
        return Arrays.stream(times).filter(t -> t <= at).count();
    }
}
