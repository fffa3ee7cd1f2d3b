package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.OpenHttpConnectionsApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.common.v1.KeyValue;
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
            assertThat(MetricsAssert.histogramCount(otlp, "http.client.connection.duration", "client", port)).isEqualTo(3);
            // The buckets the HTTP semantic conventions advise for it, so that standard dashboards read it.
            assertThat(otlp.metrics("http.client.connection.duration")).flatExtracting(m -> m.getHistogram().getDataPointsList())
                .allSatisfy(p -> assertThat(p.getExplicitBoundsList()).containsExactly(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0,
                    2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0))
                .isNotEmpty();
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
