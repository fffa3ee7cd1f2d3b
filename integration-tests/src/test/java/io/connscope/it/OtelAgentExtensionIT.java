package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.IdleApp;
import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.PromScrape;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * connscope-otel-extension.jar loaded by the real OpenTelemetry Java agent
 * ({@code -Dotel.javaagent.extensions}): one OTLP stream with that agent's resource, connscope's spans,
 * metrics and warnings in it, that agent's sampler deciding, and none of connscope's own SDK (no
 * exporter of its own, no Prometheus endpoint of its own on the shared port).
 */
class OtelAgentExtensionIT {

    private static final String OTEL_AGENT = Paths.get(System.getProperty("otel.javaagent.jar")).toAbsolutePath().toString();
    private static final String EXTENSION = Paths.get(System.getProperty("connscope.extension.jar")).toAbsolutePath().toString();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void connscopeExportsThroughTheOpenTelemetryAgentsPipeline(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            int prometheus = PrometheusIT.freePort();
            // HTTP/2 last: what connscope exports in the JVM's last moments races that agent's own exit hook.
            ChildJvm.Result run = inHost(jvm, otlp).env("OTEL_METRICS_EXPORTER", "otlp,prometheus")
                .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(prometheus))
                .demo("keep-alive", "abortive-close", "http2").assertSuccess();
            assertThat(run.stderr).contains("[connscope] connscope ", "export: through the OpenTelemetry Java agent's SDK")
                .doesNotContain("OpenTelemetry configuration failed").doesNotContain("Address already in use")
                .doesNotContain("failed to start");
            int keepAlive = Integer.parseInt(run.expectLine("client.connections=1 server.connections=1").get("port"));
            int abortive = Integer.parseInt(run.expectLine("client.close=abortive").get("port"));

            // connscope's spans, both sides, its exchange spans in the OpenTelemetry agent's traces.
            assertThat(otlp.spans().exchanges("client", keepAlive)).hasSize(10);
            assertThat(otlp.spans().exchanges("server", keepAlive)).hasSize(10);
            Set<String> agentTraces = otlp.spans().where(s -> s.scope.startsWith("io.opentelemetry.")
                && Long.valueOf(keepAlive).equals(s.num("server.port"))).stream().map(SpanView::traceIdHex)
                .collect(Collectors.toSet());
            assertThat(agentTraces).isNotEmpty();
            assertThat(otlp.spans().exchanges("client", keepAlive)).allSatisfy(e -> assertThat(agentTraces).contains(e.traceIdHex()));
            // Its warnings and its metrics.
            Await.until("connscope's metrics", 30, () -> MetricsAssert.lastSumOrZero(otlp, "connscope.connection.opened",
                "client", keepAlive) == 1);
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")).collect(Collectors.toList());
            assertThat(warnings).extracting(l -> l.str("connscope.rule")).contains("abortive-close");
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.opened", "server", abortive)).isEqualTo(1);

            // One pipeline: every span, metric and log record carries the one resource, the OpenTelemetry agent's.
            Set<Resource> resources = new HashSet<>(otlp.resources());
            assertThat(resources).hasSize(1);
            assertThat(resources.iterator().next().getAttributesList()).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("telemetry.distro.name");
                assertThat(kv.getValue().getStringValue()).isEqualTo("opentelemetry-java-instrumentation");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void theOpenTelemetryAgentsSamplerDecides(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = inHost(jvm, otlp).env("OTEL_TRACES_SAMPLER", "always_off").demo("keep-alive")
                .assertSuccess();
            int port = Integer.parseInt(run.expectLine("client.connections=1 server.connections=1").get("port"));
            Await.until("connscope's metrics", 30, () -> MetricsAssert.lastSumOrZero(otlp, "connscope.connection.opened",
                "client", port) == 1);
            // Sampled out, by that agent's sampler: no span of anyone's, connscope's included; the metrics still come.
            assertThat(otlp.spans().all()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void noSdkOfConnscopesOwnRuns(Jvm jvm, @TempDir Path dir) throws Exception {
        Path stop = dir.resolve("stop");
        int prometheus = PrometheusIT.freePort();
        try (OtlpReceiver otlp = OtlpReceiver.start();
             ChildJvm.Running app = inHost(jvm, otlp).env("OTEL_METRICS_EXPORTER", "otlp,prometheus")
                 .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
                 .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(prometheus)).startFixture(IdleApp.class, stop.toString())) {
            app.awaitLine("ready=yes", 60);
            // One SDK's worker threads, the OpenTelemetry agent's: connscope started none of its own.
            Await.until("the SDK's threads", 30, () -> AttachIT.jcmd(jvm, String.valueOf(app.pid()), "Thread.print")
                .contains("\"PeriodicMetricReader"));
            String threads = AttachIT.jcmd(jvm, String.valueOf(app.pid()), "Thread.print");
            for (String worker : List.of("\"BatchSpanProcessor_WorkerThread", "\"BatchLogRecordProcessor_WorkerThread",
                "\"PeriodicMetricReader")) {
                assertThat(threads.split(java.util.regex.Pattern.quote(worker), -1)).as(worker).hasSize(2);
            }
            // One Prometheus endpoint, that agent's, and connscope's metrics on it.
            Await.until("connscope's metrics on the agent's endpoint", 30, () -> {
                PromScrape s = PromScrape.tryOf(prometheus);
                return s != null && s.sum("connscope_connection_opened_total", Map.of("connscope_connection_role", "client")) >= 1;
            });
            Files.createFile(stop);
            ChildJvm.Result run = app.awaitExit(60).assertSuccess();
            assertThat(run.stderr).doesNotContain("Address already in use").doesNotContain("OpenTelemetry configuration failed");
        }
    }

    private static ChildJvm inHost(Jvm jvm, OtlpReceiver otlp) {
        return ChildJvm.on(jvm).exportingTo(otlp).withoutAgent().timeoutSeconds(180)
            .jvmArg("-javaagent:" + OTEL_AGENT).jvmArg("-Dotel.javaagent.extensions=" + EXTENSION);
    }
}
