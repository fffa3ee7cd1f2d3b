package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.OpenHttpConnectionsApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** http.client.open_connections sees connections in their real state: active with a request in flight, else idle. */
class HttpMetricsIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void openConnectionsAreSplitIntoActiveAndIdle(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .fixture(OpenHttpConnectionsApp.class, "2000").assertSuccess();
            int port = Integer.parseInt(run.expectLine("active=2 idle=1").get("port"));
            // An export made while the connections were held shows 2 active and 1 idle; earlier and later ones (while
            // they open, and once answered) never show more than three connections or more than two active.
            Set<Map<String, Long>> seen = new HashSet<>();
            for (Metric m : otlp.metrics("http.client.open_connections")) {
                Map<String, Long> states = new TreeMap<>();
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    if (port(p.getAttributesList()) == port) {
                        states.put(state(p.getAttributesList()), p.getAsInt());
                        // As the HTTP conventions name it: the version, and no role (it is outbound by its name).
                        assertThat(p.getAttributesList()).extracting(KeyValue::getKey)
                            .containsExactlyInAnyOrder("server.address", "server.port", "network.protocol.version",
                                "http.connection.state");
                        assertThat(p.getAttributesList()).filteredOn(kv -> kv.getKey().equals("network.protocol.version"))
                            .extracting(kv -> kv.getValue().getStringValue()).containsExactly("1.1");
                    }
                }
                if (!states.isEmpty()) {
                    seen.add(states);
                }
            }
            assertThat(seen).contains(Map.of("active", 2L, "idle", 1L));
            assertThat(seen).allSatisfy(s -> {
                assertThat(s.get("active")).isBetween(0L, 2L);
                assertThat(s.get("active") + s.get("idle")).isBetween(1L, 3L);
            });
            assertThat(MetricsAssert.histogramCount(otlp, "connscope.http.connection.requests", "client", port))
                .isEqualTo(3);
            assertThat(MetricsAssert.histogramCount(otlp, "http.client.connection.duration", null, port)).isEqualTo(3);
            // The buckets the HTTP semantic conventions advise for it, so that standard dashboards read it.
            assertThat(otlp.metrics("http.client.connection.duration")).flatExtracting(m -> m.getHistogram().getDataPointsList())
                .allSatisfy(p -> assertThat(p.getExplicitBoundsList()).containsExactly(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0,
                    2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0))
                .isNotEmpty();
            requestDurations(otlp, port, run.expectLine("active=2 idle=1"));
        }
    }

    /**
     * http.client.request.duration and http.server.request.duration as the stable HTTP conventions define
     * them: the advised buckets, their attributes only, one point per request, and durations within the
     * client's own timing of each request (which starts before connscope's first byte and ends after its
     * last): one fast request, two held by the server for the fixture's 2 s.
     */
    private static void requestDurations(OtlpReceiver otlp, int port, Map<String, String> expect) {
        double fast = Long.parseLong(expect.get("fast.ns")) / 1e9;
        double slow = Long.parseLong(expect.get("slow.ns")) / 1e9;
        for (String name : List.of("http.client.request.duration", "http.server.request.duration")) {
            List<Metric> exports = otlp.metrics(name);
            assertThat(exports).as(name).isNotEmpty();
            HistogramDataPoint last = null;
            for (Metric m : exports) {
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    if (port(p.getAttributesList()) == port) {
                        last = p;
                    }
                }
            }
            assertThat(last).as(name + " for port " + port).isNotNull();
            assertThat(last.getExplicitBoundsList()).containsExactly(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75,
                1.0, 2.5, 5.0, 7.5, 10.0);
            Map<String, String> attributes = new TreeMap<>();
            last.getAttributesList().forEach(kv -> attributes.put(kv.getKey(), kv.getValue().hasIntValue()
                ? Long.toString(kv.getValue().getIntValue()) : kv.getValue().getStringValue()));
            Map<String, String> wanted = new TreeMap<>(Map.of("http.request.method", "GET", "http.response.status_code", "200",
                "network.protocol.version", "1.1", "url.scheme", "http", "server.port", Integer.toString(port)));
            if (name.startsWith("http.client")) {
                wanted.put("server.address", attributes.getOrDefault("server.address", "(missing)"));
                assertThat(attributes.get("server.address")).isIn("127.0.0.1", "localhost");
            }
            assertThat(attributes).as(name).isEqualTo(wanted);
            assertThat(last.getCount()).as(name).isEqualTo(3);
            // Bucket counts: the fast one at most in the bucket of the client's own time; both slow ones above 1 s.
            assertThat(last.getSum()).as(name).isBetween(slow - 0.2, fast + slow);
            long aboveOneSecond = 0;
            for (int i = 10; i < last.getBucketCountsCount(); i++) { // buckets after the bound 1.0
                aboveOneSecond += last.getBucketCounts(i);
            }
            assertThat(aboveOneSecond).as(name + ": the two held requests").isEqualTo(2);
        }
    }

    private static long port(List<KeyValue> attributes) {
        return attributes.stream().filter(kv -> kv.getKey().equals("server.port")).mapToLong(kv -> kv.getValue().getIntValue())
            .findFirst().orElse(-1);
    }

    private static String state(List<KeyValue> attributes) {
        return attributes.stream().filter(kv -> kv.getKey().equals("http.connection.state"))
            .map(kv -> kv.getValue().getStringValue()).findFirst().orElseThrow();
    }
}
