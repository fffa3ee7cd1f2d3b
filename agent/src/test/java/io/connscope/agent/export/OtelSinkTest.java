package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Housekeeping;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.diagnose.Diagnosis;
import io.connscope.agent.diagnose.RuleCatalog;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.pipeline.EventPipeline;
import io.connscope.agent.pipeline.SnapshotSchedule;
import io.connscope.agent.pipeline.EventQueue;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.wire.AnalysisMemory;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry sink driven through a real pipeline into an in-memory exporter. */
class OtelSinkTest {

    private final Destinations destinations = new Destinations(10);
    private final EventQueue queue = new EventQueue(16);
    /** Handed over at the first settle, on the pipeline thread: filled before it starts. */
    private final List<ConnectionRecord> settling = new CopyOnWriteArrayList<>();
    /** Every span exported, kept past the SDK's shutdown at the pipeline's exit. */
    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final SpanExporter spans = new SpanExporter() {
        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            exported.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    };
    private final WarningLog warnings = new WarningLog(10, 100);

    /** A client connection that carried {@code requests} GETs, each answered in full. */
    private ConnectionRecord connection(long id, int requests) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 8080), 1L);
        TestRecords.connectEndNanos(r, 2L);
        r.events().add(ConnectionEvent.CONNECT);
        TestRecords.http(r, new HttpConnection(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease()));
        for (int i = 1; i <= requests; i++) {
            byte[] request = ("GET /items/" + i + " HTTP/1.1\r\nHost: api\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
            r.http().feed(true, request, 0, request.length);
            r.http().feed(false, response, 0, response.length);
        }
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(10L);
        return r;
    }

    private EventPipeline pipeline(OtelSink sink) {
        Housekeeping lifecycle = new Housekeeping() {
            @Override
            public void settle(long nowNanos, boolean everything) {
                for (ConnectionRecord r : settling) {
                    queue.connection(r);
                    settling.remove(r);
                }
            }

            @Override
            public List<ConnectionRecord> open() {
                return List.of();
            }

            @Override
            public void endAllOpen(long nowNanos) {
            }
        };
        return new EventPipeline(queue, lifecycle, new Diagnosis(new RuleCatalog(Map.of()), warnings), List.of(sink),
            System::nanoTime, SnapshotSchedule.never());
    }

    private OtelSink sink() {
        return new OtelSink(() -> OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build(),
            sdk -> new ConnectionTelemetry(sdk, new Clock(), destinations, new ExportHealth(queue), warnings, List::of,
                1.0, false, true), true);
    }

    @Test
    void eachConnectionSpanLinksToItsOwnExchangeSpansOnly() {
        settling.add(connection(1, 2));
        settling.add(connection(2, 1));
        EventPipeline pipeline = pipeline(sink());
        pipeline.start(Thread.currentThread().getThreadGroup()); // the SDK is built on the pipeline's thread
        pipeline.shutdown(System.nanoTime() + 5_000_000_000L, 5000, "the test's");

        List<SpanData> exchanges = exported.stream().filter(s -> s.getName().equals("GET"))
            .collect(Collectors.toList());
        assertThat(exchanges).as("among " + exported.stream().map(SpanData::getName).collect(Collectors.toList())).hasSize(3);
        for (long id : new long[] {1, 2}) {
            SpanData connection = exported.stream()
                .filter(s -> s.getName().startsWith("connection ") && Long.valueOf(id).equals(
                    s.getAttributes().get(Semconv.CONNECTION_ID)))
                .findFirst().orElseThrow();
            List<String> linked = connection.getLinks().stream().map(l -> l.getSpanContext().getSpanId())
                .collect(Collectors.toList());
            List<String> own = exchanges.stream().filter(e -> Long.valueOf(id).equals(
                    e.getAttributes().get(Semconv.CONNECTION_ID)))
                .map(SpanData::getSpanId).collect(Collectors.toList());
            assertThat(linked).as("connection " + id).containsExactlyInAnyOrderElementsOf(own).hasSize((int) (3 - id));
        }
    }

    @Test
    void withoutAnExporterTheSinkDropsEverythingAndStopsAtOnce() {
        OtelSink none = new OtelSink(() -> null, sdk -> {
            throw new AssertionError("no instruments without an SDK");
        }, true);
        settling.add(connection(1, 1));
        EventPipeline pipeline = pipeline(none);
        pipeline.start(Thread.currentThread().getThreadGroup());
        pipeline.shutdown(System.nanoTime() + 5_000_000_000L, 5000, "the test's");
        assertThat(exported).isEmpty();
    }
}
