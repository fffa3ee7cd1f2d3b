package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.LoadApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.HoldingServer;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Load in a 64 MiB heap: 100,000 connections churned over 1,200 listening ports, 10,000 held open at
 * once, 10,000 abandoned without close. No OutOfMemoryError; connscope's state goes back to nothing
 * after each phase; every abandoned socket is reported as leaked; the reports stay within their
 * documented size, aggregating the destinations beyond the limit and saying so.
 */
class LoadIT {

    private static final int CHURN = 100_000;
    private static final int PORTS = 1_200;
    private static final int OPEN = 10_000;
    private static final int ABANDONED = 10_000;
    private static final int TEXT_REPORT_BOUND = 1024 * 1024;
    private static final int HTML_REPORT_BOUND = 16 * 1024 * 1024;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aSmallHeapSurvivesChurnManyOpenAndAbandonedConnectionsAndConnscopeLetsGoOfThem(Jvm jvm) throws Exception {
        Path html = Files.createTempDirectory("load").resolve("report.html");
        try (OtlpReceiver otlp = OtlpReceiver.start();
             HoldingServer holding = HoldingServer.holding();
             HoldingServer closing = HoldingServer.closingAtOnce()) {
            ChildJvm.Result run = ChildJvm.on(jvm)
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
                .env("OTEL_TRACES_EXPORTER", "none")
                .env("OTEL_LOGS_EXPORTER", "none")
                .env("OTEL_METRIC_EXPORT_INTERVAL", "250")
                .jvmArg("-Xmx64m")
                .agentArgs("report.html=" + html)
                .timeoutSeconds(300)
                .fixture(LoadApp.class, String.valueOf(holding.port()), String.valueOf(closing.port()),
                    String.valueOf(CHURN), String.valueOf(PORTS), String.valueOf(OPEN), String.valueOf(ABANDONED))
                .assertSuccess();
            assertThat(run.stderr).doesNotContain("OutOfMemoryError");
            Map<String, Long> phase = phases(run.stdout);

            // connscope's state: back to nothing after the churn, exactly the held connections while
            // they are open, nothing once they are closed, and nothing once the abandoned ones are collected.
            TreeMap<Long, Long> tracked = tracked(otlp);
            // (Each "back to nothing" is checked over the seconds the fixture waits: on a loaded 2-core machine,
            // settling 10,000 closes has taken longer than the last export before the next phase.)
            assertThat(tracked.subMap(phase.get("churn-end"), phase.get("open-start")).values())
                .as("tracked after the churn").contains(0L);
            assertThat(tracked.subMap(phase.get("open-held"), phase.get("open-end")).values())
                .as("tracked while %d are held open", OPEN).contains((long) OPEN);
            assertThat(tracked.subMap(phase.get("open-end"), phase.get("abandon-start")).values())
                .as("tracked after closing them").contains(0L);
            assertThat(lastBefore(tracked, phase.get("exit"))).as("tracked after the abandoned were collected").isZero();

            // Every abandoned socket is a leak, and nothing else is.
            assertThat(closedAs(otlp, "leaked")).isEqualTo(ABANDONED);

            // The reports count everything, aggregate past the destination limit, say so, and stay small.
            int expectedConnections = 2 * CHURN + OPEN + ABANDONED; // the held and abandoned ones' servers are in this JVM
            assertThat(run.unwrappedStderr()).contains(expectedConnections + " connection(s), 1002 destination(s)")
                .contains("destinations beyond the first 1000 are aggregated as (other) (connscope.max.destinations)")
                .containsPattern("\\(other\\) .* leaked " + ABANDONED);
            String report = run.stderr.substring(run.stderr.indexOf("==== connscope connection report ===="));
            assertThat(report.getBytes(StandardCharsets.UTF_8).length).isLessThan(TEXT_REPORT_BOUND);
            assertThat(Files.size(html)).isLessThan(HTML_REPORT_BOUND);
        }
    }

    private static Map<String, Long> phases(String stdout) {
        Map<String, Long> out = new HashMap<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("phase ")) {
                String[] parts = line.trim().split(" ");
                out.put(parts[1], TimeUnit.MILLISECONDS.toNanos(Long.parseLong(parts[2])));
            }
        }
        return out;
    }

    /** connscope.connection.tracked by the time of each export. */
    private static TreeMap<Long, Long> tracked(OtlpReceiver otlp) {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (Metric m : otlp.metrics("connscope.connection.tracked")) {
            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                out.put(p.getTimeUnixNano(), p.getAsInt());
            }
        }
        return out;
    }

    private static long lastBefore(TreeMap<Long, Long> series, long nanos) {
        Map.Entry<Long, Long> e = series.lowerEntry(nanos);
        assertThat(e).as("an export before %d", nanos).isNotNull();
        return e.getValue();
    }

    /** connscope.connection.closed with one close classification, over every destination, in the last export. */
    private static long closedAs(OtlpReceiver otlp, String classification) {
        List<Metric> exports = otlp.metrics("connscope.connection.closed");
        Metric last = exports.get(exports.size() - 1);
        List<NumberDataPoint> points = new ArrayList<>(last.getSum().getDataPointsList());
        long n = 0;
        for (NumberDataPoint p : points) {
            for (KeyValue kv : p.getAttributesList()) {
                if (kv.getKey().equals("connscope.close.classification") && kv.getValue().getStringValue().equals(classification)) {
                    n += p.getAsInt();
                }
            }
        }
        return n;
    }
}
