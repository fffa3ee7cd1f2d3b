package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.pipeline.EventQueue;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExportHealthTest {

    private static Map<String, String> spansOnlyTo(int port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + port);
        settings.put("otel.metrics.exporter", "none");
        settings.put("otel.logs.exporter", "none");
        settings.put("otel.bsp.max.queue.size", "8");
        settings.put("otel.bsp.max.export.batch.size", "4");
        settings.put("otel.java.exporter.otlp.retry.disabled", "true");
        return settings;
    }

    @Test
    void aCollectorThatRefusesCostsEverySpanAnExportFailureAndNoneIsLostUncounted() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ExportHealth health = new ExportHealth(new EventQueue(10));
        OpenTelemetrySdk sdk = OtelSetup.build(spansOnlyTo(closedPort), Map.of(), getClass().getClassLoader(), health);
        Tracer tracer = sdk.getTracer("test");
        for (int i = 0; i < 20; i++) {
            tracer.spanBuilder("s" + i).startSpan().end();
        }
        sdk.shutdown().join(10, TimeUnit.SECONDS);
        // Failing exports free the queue at once: the burst waits for room instead of being dropped.
        assertThat(health.spans.queueFull()).isZero();
        assertThat(health.spans.failed()).isEqualTo(20);
        assertThat(health.spans.sent()).isZero();
        assertThat(health.spans.unsent()).isZero();
        assertThat(health.spans.lastFailure).isEqualTo("spans: java.net.ConnectException: Connection refused");
        assertThat(health.notes()).containsExactly("telemetry export, spans: 0 sent, 20 dropped by failed exports"
            + " (last: spans: java.net.ConnectException: Connection refused)");
    }

    @Test
    void aStalledCollectorFillsTheQueueAndWhatDoesNotFitIsDroppedAfterOneWait() throws Exception {
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(stalled.accept());
                    }
                } catch (Exception closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> settings = spansOnlyTo(stalled.getLocalPort());
            settings.put("otel.exporter.otlp.timeout", "3000");
            ExportHealth health = new ExportHealth(new EventQueue(10));
            OpenTelemetrySdk sdk = OtelSetup.build(settings, Map.of(), getClass().getClassLoader(), health);
            Tracer tracer = sdk.getTracer("test");
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                tracer.spanBuilder("s" + i).startSpan().end();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // One batch is stuck in its export and the queue holds 8 more: the 13th span waits once for
            // room, then it and every later one are dropped at once while the queue is congested.
            assertThat(health.spans.queueFull()).isEqualTo(28);
            assertThat(millis).isBetween(900L, 2900L);
            assertThat(health.spans.unsent()).isEqualTo(12);
            sdk.shutdown().join(20, TimeUnit.SECONDS);
            assertThat(health.spans.failed()).isEqualTo(12);
            assertThat(health.spans.unsent()).isZero();
            assertThat(health.spans.lastFailure).isEqualTo("spans: java.net.SocketTimeoutException: Read timed out");
        }
    }
}
