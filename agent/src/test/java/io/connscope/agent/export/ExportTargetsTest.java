package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What the start-up line says is exported, resolved as the SDK resolves it. */
class ExportTargetsTest {

    @Test
    void nothingIsExportedWithoutAnEndpointAndTheLineSaysWhatWouldChangeThat() {
        assertThat(ExportTargets.describe(new Properties(), Map.of(), Map.of()))
            .isEqualTo("nothing exported (no OTLP endpoint: set otel.exporter.otlp.endpoint)");
    }

    @Test
    void signalsGoingTheSameWayAreNamedTogether() {
        assertThat(ExportTargets.describe(new Properties(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            Map.of())).isEqualTo("export: traces, metrics, logs over OTLP to http://collector:4318");
        Properties p = new Properties();
        p.setProperty("otel.exporter.otlp.endpoint", "http://collector:4318");
        p.setProperty("otel.exporter.otlp.traces.endpoint", "http://tempo:4318/v1/traces");
        p.setProperty("otel.metrics.exporter", "prometheus");
        p.setProperty("otel.exporter.prometheus.port", "9465");
        p.setProperty("otel.logs.exporter", "none");
        assertThat(ExportTargets.describe(p, Map.of(), Map.of())).isEqualTo("export: traces over OTLP to"
            + " http://tempo:4318/v1/traces; metrics on a Prometheus endpoint at 0.0.0.0:9465");
    }

    @Test
    void aDisabledSdkOrAConfigurationFileIsSaidAsSuch() {
        assertThat(ExportTargets.describe(new Properties(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
            "OTEL_SDK_DISABLED", "true"), Map.of())).startsWith("nothing exported");
        assertThat(ExportTargets.describe(new Properties(), Map.of(), Map.of("otel.config.file", "/etc/otel.yaml")))
            .isEqualTo("export as otel.config.file=/etc/otel.yaml says");
    }
}
