package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.ERROR_TYPE;
import static io.connscope.agent.export.Semconv.HTTP_REQUEST_METHOD;
import static io.connscope.agent.export.Semconv.HTTP_RESPONSE_STATUS_CODE;
import static io.connscope.agent.export.Semconv.NETWORK_PROTOCOL_VERSION;
import static io.connscope.agent.export.Semconv.SERVER_ADDRESS;
import static io.connscope.agent.export.Semconv.SERVER_PORT;
import static io.connscope.agent.export.Semconv.URL_SCHEME;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpExchange;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.Arrays;
import java.util.List;

/**
 * {@code http.client.request.duration} and {@code http.server.request.duration}, as the stable HTTP
 * conventions define them (seconds, their advised buckets, their attributes), so that the standard
 * HTTP dashboards and alerts read connscope's exchanges: every exchange seen on the wire, from the
 * request's first byte to the response's last (or to the failure), sampled spans or not.
 */
final class HttpRequestDurations {

    /** The buckets the HTTP conventions advise for both. */
    static final List<Double> BUCKETS =
        Arrays.asList(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private final DoubleHistogram client;
    private final DoubleHistogram server;

    /** Whether server.address and server.port are recorded (connscope.metrics.per.destination). */
    private final boolean perDestination;

    HttpRequestDurations(Meter meter, boolean perDestination) {
        this.perDestination = perDestination;
        client = meter.histogramBuilder("http.client.request.duration").setUnit("s")
            .setDescription("Duration of HTTP client requests, from the request's first byte to the response's last.")
            .setExplicitBucketBoundariesAdvice(BUCKETS).build();
        server = meter.histogramBuilder("http.server.request.duration").setUnit("s")
            .setDescription("Duration of HTTP server requests, from the request's first byte to the response's last.")
            .setExplicitBucketBoundariesAdvice(BUCKETS).build();
    }

    void record(ConnectionRecord r, HttpExchange e) {
        long start = e.requestStartNanos();
        long end = e.responseEndNanos() != 0L ? e.responseEndNanos() : Math.max(e.requestEndNanos(), start);
        if (start == 0L) {
            return; // only a response was seen: no request to time
        }
        boolean isClient = r.role() == Role.CLIENT;
        (isClient ? client : server).record(Math.max(0L, end - start) / 1e9, attributes(r, e, isClient));
    }

    /** Only the conventions' low-cardinality attributes: no path, no peer address. */
    private Attributes attributes(ConnectionRecord r, HttpExchange e, boolean isClient) {
        AttributesBuilder b = Attributes.builder()
            .put(HTTP_REQUEST_METHOD, ExchangeSpans.method(e))
            .put(NETWORK_PROTOCOL_VERSION, e.version() == null ? "1.1" : e.version())
            .put(URL_SCHEME, r.tls().info() != null ? "https" : "http");
        Destination d = r.destination();
        if (perDestination && isClient && d.serverAddress != null && !d.serverAddress.startsWith("(")) {
            b.put(SERVER_ADDRESS, d.serverAddress);
        }
        if (perDestination && d.port > 0) {
            b.put(SERVER_PORT, (long) d.port);
        }
        if (e.status() > 0) {
            b.put(HTTP_RESPONSE_STATUS_CODE, (long) e.status());
        }
        String error = ExchangeSpans.errorType(e, isClient);
        if (error != null) {
            b.put(ERROR_TYPE, error);
        }
        return b.build();
    }
}
