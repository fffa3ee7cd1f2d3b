package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class OtelSetupTest {

    @Test
    void withoutAnEndpointEveryExporterIsOff() {
        assertThat(OtelSetup.defaults(new Properties(), Map.of(), Map.of())).containsEntry("otel.traces.exporter", "none")
            .containsEntry("otel.metrics.exporter", "none").containsEntry("otel.logs.exporter", "none")
            .containsEntry("otel.exporter.otlp.protocol", "http/protobuf");
    }

    @Test
    void aGeneralEndpointFromAnySourceTurnsOtlpOnForEverySignal() {
        Properties p = new Properties();
        p.setProperty("otel.exporter.otlp.endpoint", "http://collector:4318");
        for (Map<String, String> d : new Map[] {
            OtelSetup.defaults(p, Map.of(), Map.of()),
            OtelSetup.defaults(new Properties(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), Map.of()),
            OtelSetup.defaults(new Properties(), Map.of(), Map.of("otel.exporter.otlp.endpoint", "http://c:4318"))}) {
            assertThat(d).containsEntry("otel.traces.exporter", "otlp").containsEntry("otel.metrics.exporter", "otlp")
                .containsEntry("otel.logs.exporter", "otlp");
        }
    }

    @Test
    void aSignalEndpointTurnsOnlyThatSignalOn() {
        Map<String, String> d = OtelSetup.defaults(new Properties(),
            Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"), Map.of());
        assertThat(d).containsEntry("otel.traces.exporter", "otlp").containsEntry("otel.metrics.exporter", "none");
    }

    @Test
    void theSdkIsSkippedOnlyWhenEverySignalExportsNothing() {
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of(), Map.of())).isTrue();
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of("OTEL_SDK_DISABLED", "true"),
            Map.of("otel.exporter.otlp.endpoint", "http://c:4318"))).isTrue();
        Properties prometheus = new Properties();
        prometheus.setProperty("otel.metrics.exporter", "prometheus");
        assertThat(OtelSetup.exportsNothing(prometheus, Map.of(), Map.of())).isFalse();
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of("OTEL_LOGS_EXPORTER", "console"), Map.of())).isFalse();
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318"),
            Map.of())).isFalse();
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of(), Map.of("otel.traces.exporter", "otlp"))).isFalse();
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of("OTEL_CONFIG_FILE", "/etc/otel.yaml"), Map.of()))
            .isFalse();
        // An agent argument outranks the environment, as autoconfiguration's overrides do.
        assertThat(OtelSetup.exportsNothing(new Properties(), Map.of("OTEL_TRACES_EXPORTER", "otlp"),
            Map.of("otel.traces.exporter", "none"))).isTrue();
    }

    @Test
    void grpcFallsBackToHttpProtobuf() {
        Map<String, String> settings = Map.of("otel.exporter.otlp.protocol", "grpc", "otel.exporter.otlp.metrics.protocol", "GRPC ");
        assertThat(OtelSetup.protocolFallbacks(settings::get)).containsOnly(
            Map.entry("otel.exporter.otlp.protocol", "http/protobuf"),
            Map.entry("otel.exporter.otlp.metrics.protocol", "http/protobuf"));
        assertThat(OtelSetup.protocolFallbacks(Map.of("otel.exporter.otlp.protocol", "http/json")::get)).isEmpty();
    }

    /** connscope.config.file's otel.* settings count, below the environment. */
    @Test
    void theConfigFilesOtelSettingsComeBelowTheEnvironment() {
        Map<String, String> file = Map.of("otel.exporter.otlp.endpoint", "http://file:4318");
        Map<String, String> env = OtelSettings.environment(file);
        assertThat(env).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT",
            System.getenv().getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "http://file:4318"));
        assertThat(OtelSetup.exportsNothing(new Properties(), env, Map.of())).isFalse();
        Map<String, String> real = new java.util.HashMap<>(env);
        real.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318");
        assertThat(OtelSettings.setting("otel.exporter.otlp.endpoint", new Properties(), real, Map.of(), null))
            .isEqualTo("http://env:4318");
    }

    @Test
    void resourceProvidersNamedAsDocumentedAreAlsoNamedAsShipped() {
        java.util.Map<String, String> config = java.util.Map.of("otel.java.disabled.resource.providers",
            "io.opentelemetry.instrumentation.resources.HostResourceProvider, com.example.Mine");
        assertThat(OtelSetup.shippedProviderNames(config::get, "io.opentelemetry.", "io.connscope.shaded.io.opentelemetry."))
            .containsExactly(java.util.Map.entry("otel.java.disabled.resource.providers",
                "io.opentelemetry.instrumentation.resources.HostResourceProvider,"
                    + "io.connscope.shaded.io.opentelemetry.instrumentation.resources.HostResourceProvider,com.example.Mine"));
        // Built from source, nothing is relocated, and nothing changes.
        assertThat(OtelSetup.shippedProviderNames(config::get, "io.opentelemetry.", "io.opentelemetry.")).isEmpty();
        assertThat(OtelSetup.ORIGINAL_PREFIX).isEqualTo(OtelSetup.SHIPPED_PREFIX).isEqualTo("io.opentelemetry.");
    }
}
