package io.connscope.it.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/** A real OTLP/HTTP (protobuf) endpoint on loopback, decoding with the official opentelemetry-proto classes. */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
    private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** Every request body as received (gzip undone), for scans of everything exported. */
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    /** How the receiver misbehaves, to test what a failing collector does to the application. */
    public enum Fault {
        NONE,
        /** Reads each request and answers 500 Internal Server Error, keeping nothing. */
        ERROR_500,
        /** Reads each request and answers 503 Service Unavailable, keeping nothing. */
        ERROR_503,
        /** Keeps each request but answers it only after 5 s. */
        SLOW
    }

    private volatile Fault fault = Fault.NONE;
    private final AtomicInteger faulted = new AtomicInteger();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() throws IOException {
        return startOn(0);
    }

    public static OtlpReceiver startOn(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", e -> receiver.handle(e, body -> {
            receiver.traces.add(ExportTraceServiceRequest.parseFrom(body));
            return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        }));
        server.createContext("/v1/metrics", e -> receiver.handle(e, body -> {
            receiver.metrics.add(ExportMetricsServiceRequest.parseFrom(body));
            return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        }));
        server.createContext("/v1/logs", e -> receiver.handle(e, body -> {
            receiver.logs.add(ExportLogsServiceRequest.parseFrom(body));
            return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
        }));
        // Enough threads that slow requests do not hold up the others.
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        return receiver;
    }

    private interface Decoder {
        byte[] decode(byte[] body) throws InvalidProtocolBufferException;
    }

    private void handle(HttpExchange exchange, Decoder decoder) throws IOException {
        requests.incrementAndGet();
        try (InputStream raw = exchange.getRequestBody()) {
            InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(raw) : raw;
            byte[] body = in.readAllBytes();
            if (misbehave(exchange)) {
                return;
            }
            bodies.add(body);
            byte[] response = decoder.decode(body);
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        } catch (InvalidProtocolBufferException e) {
            exchange.sendResponseHeaders(400, -1);
        } finally {
            exchange.close();
        }
    }

    /** Answers as the current fault says; true when the request is not to be kept. */
    private boolean misbehave(HttpExchange exchange) throws IOException {
        Fault f = fault;
        switch (f) {
            case ERROR_500:
            case ERROR_503:
                faulted.incrementAndGet();
                exchange.sendResponseHeaders(f == Fault.ERROR_500 ? 500 : 503, -1);
                return true;
            case SLOW:
                faulted.incrementAndGet();
                sleep(5000);
                return false;
            default:
                return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From now on, fails every request in this way. */
    public void fail(Fault f) {
        fault = f;
    }

    /** Answers normally again. */
    public void heal() {
        fault = Fault.NONE;
    }

    /** Requests that met a fault. */
    public int faulted() {
        return faulted.get();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** Every export request's protobuf bytes, as received. */
    public List<byte[]> bodies() {
        return bodies;
    }

    public Spans spans() {
        List<SpanView> out = new ArrayList<>();
        for (ExportTraceServiceRequest r : traces) {
            for (ResourceSpans rs : r.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    ss.getSpansList().forEach(s -> out.add(new SpanView(s, ss.getScope().getName(), rs.getResource(),
                        ss.getScope().getVersion(), ss.getSchemaUrl())));
                }
            }
        }
        return new Spans(out);
    }

    public List<LogView> logs() {
        List<LogView> out = new ArrayList<>();
        for (ExportLogsServiceRequest r : logs) {
            r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(
                sl -> sl.getLogRecordsList().forEach(l -> out.add(new LogView(l)))));
        }
        return out;
    }

    /** The instrumentation scopes of every metric received. */
    public java.util.Set<String> metricScopes() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (ExportMetricsServiceRequest r : metrics) {
            for (ResourceMetrics rm : r.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    out.add(sm.getScope().getName());
                }
            }
        }
        return out;
    }

    /** The resource of every span, metric and log export received, one entry per resource block. */
    public List<io.opentelemetry.proto.resource.v1.Resource> resources() {
        List<io.opentelemetry.proto.resource.v1.Resource> out = new ArrayList<>();
        traces.forEach(r -> r.getResourceSpansList().forEach(rs -> out.add(rs.getResource())));
        metrics.forEach(r -> r.getResourceMetricsList().forEach(rm -> out.add(rm.getResource())));
        logs.forEach(r -> r.getResourceLogsList().forEach(rl -> out.add(rl.getResource())));
        return out;
    }

    /** Every metric received from this instrumentation scope, each export's data points separately. */
    public List<Metric> metricsOfScope(String scope) {
        List<Metric> out = new ArrayList<>();
        for (ExportMetricsServiceRequest r : metrics) {
            for (ResourceMetrics rm : r.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    if (sm.getScope().getName().equals(scope)) {
                        out.addAll(sm.getMetricsList());
                    }
                }
            }
        }
        return out;
    }

    public List<Metric> metrics(String name) {
        List<Metric> out = new ArrayList<>();
        for (ExportMetricsServiceRequest r : metrics) {
            for (ResourceMetrics rm : r.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        if (m.getName().equals(name)) {
                            out.add(m);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
