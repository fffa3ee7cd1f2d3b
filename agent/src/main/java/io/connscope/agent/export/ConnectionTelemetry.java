package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameLookup;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.diagnose.LocalPorts;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.pipeline.ConnectionSnapshot;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.runtime.AgentVersion;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.wire.WireExchange;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns finished connection records into spans and histogram points, and exposes the running
 * per-destination totals as observable metrics. Runs on the export thread only.
 */
public final class ConnectionTelemetry {

    public static final String SCOPE = "io.connscope";
    /** The semantic conventions the names follow, for the scope's schema URL. */
    public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.37.0";
    private static final List<Double> SETUP_BUCKETS =
        Arrays.asList(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    private static final List<Long> REQUEST_BUCKETS = Arrays.asList(1L, 2L, 5L, 10L, 20L, 50L, 100L, 1000L, 10000L);
    private static final List<Double> LIFETIME_BUCKETS =
        Arrays.asList(0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0);
    /** The HTTP conventions' advice for http.client.connection.duration, so that standard dashboards read it. */
    private static final List<Double> HTTP_CONNECTION_BUCKETS =
        Arrays.asList(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);

    private final Tracer tracer;
    private final Clock clock;
    private final ExchangeSpans exchanges;
    private final ExchangeSampler sampler;
    private final WebSocketSpans webSockets;
    private final LongCounter exchangeCount;
    private final HttpRequestDurations requestDurations;
    private final NameLookupDurations lookupDurations;
    private final LongCounter resendCount;
    private final WarningExport warningExport;
    private final SnapshotExport snapshots;
    private final DoubleHistogram connectDuration;
    private final DoubleHistogram tlsDuration;
    private final DoubleHistogram connectionDuration;
    private final DoubleHistogram httpConnectionDuration;
    private final LongHistogram requestsPerConnection;
    private final DestinationAttributes attributesOf;

    public ConnectionTelemetry(OpenTelemetry otel, Clock clock, Destinations destinations, ExportHealth exportHealth,
                               WarningLog warnings, Supplier<List<ConnectionRecord>> openConnections,
                               double exchangeSpansRatio, boolean captureQuery, boolean metricsPerDestination) {
        this.attributesOf = new DestinationAttributes(metricsPerDestination);
        this.tracer = otel.tracerBuilder(SCOPE).setInstrumentationVersion(AgentVersion.get()).setSchemaUrl(SCHEMA_URL)
            .build();
        this.clock = clock;
        Logger logger = otel.getLogsBridge().loggerBuilder(SCOPE).setInstrumentationVersion(AgentVersion.get())
            .setSchemaUrl(SCHEMA_URL).build();
        this.warningExport = new WarningExport(logger);
        this.snapshots = new SnapshotExport(logger, clock, attributesOf);
        this.exchanges = new ExchangeSpans(tracer, clock, warningExport, captureQuery);
        this.sampler = new ExchangeSampler(exchangeSpansRatio);
        Meter meter = meter(otel);
        this.webSockets = new WebSocketSpans(tracer, clock, meter, exchanges::takeUpgradeSpan);
        exchangeCount = meter.counterBuilder("connscope.http.exchanges").setUnit("{exchange}")
            .setDescription("HTTP exchanges seen on the wire, every one, whether or not it got a span.").build();
        requestDurations = new HttpRequestDurations(meter, metricsPerDestination);
        lookupDurations = new NameLookupDurations(meter, metricsPerDestination);
        resendCount = meter.counterBuilder("connscope.http.resends").setUnit("{exchange}")
            .setDescription("HTTP exchanges that resent an earlier failed request (http.request.resend_count of 1 or more).")
            .build();
        httpConnectionDuration = meter.histogramBuilder("http.client.connection.duration").setUnit("s")
            .setDescription("Lifetime of outbound connections that carried HTTP, from connect start to close.")
            .setExplicitBucketBoundariesAdvice(HTTP_CONNECTION_BUCKETS).build();
        requestsPerConnection = meter.histogramBuilder("connscope.http.connection.requests").ofLongs()
            .setUnit("{request}").setDescription("HTTP requests carried by each connection (the reuse histogram).")
            .setExplicitBucketBoundariesAdvice(REQUEST_BUCKETS).build();
        OpenHttpConnections.register(meter, openConnections, metricsPerDestination);
        DestinationMetrics.register(meter, destinations, warnings, attributesOf);
        connectDuration = meter.histogramBuilder("connscope.connect.duration").setUnit("s")
            .setDescription("Time to establish the TCP connection (socket connect).")
            .setExplicitBucketBoundariesAdvice(SETUP_BUCKETS).build();
        tlsDuration = meter.histogramBuilder("connscope.tls.handshake.duration").setUnit("s")
            .setDescription("Time of the first TLS handshake on a connection.")
            .setExplicitBucketBoundariesAdvice(SETUP_BUCKETS).build();
        connectionDuration = meter.histogramBuilder("connscope.connection.duration").setUnit("s")
            .setDescription("Connection lifetime, from connect start (or accept) to close.")
            .setExplicitBucketBoundariesAdvice(LIFETIME_BUCKETS).build();
        meter.upDownCounterBuilder("connscope.connection.tracked").setUnit("{connection}")
            .setDescription("Connections connscope holds state for: the open ones, and closed ones until they are"
                + " settled (about 200 ms). Its own memory follows this number.")
            .buildWithCallback(m -> m.record(openConnections.get().size()));
        double connectRateLimit = LocalPorts.sustainableConnectRate();
        meter.gaugeBuilder("connscope.tcp.connect_rate_limit").setUnit("{connection}/s")
            .setDescription("New connections per second to one destination that the local port range sustains when each"
                + " leaves its port in TIME_WAIT for 60 s (ports / 60): the port-exhaustion limit.")
            .buildWithCallback(m -> m.record(connectRateLimit));
        meter.counterBuilder("connscope.telemetry.dropped").setUnit("{item}")
            .setDescription("Telemetry not exported, by item (exchange, span, log_record, metric_point)"
                + " and reason (queue_full, export_failed).")
            .buildWithCallback(exportHealth::record);
    }

    /** connscope's meter: its scope, with its version and the conventions' schema, for every metric it makes. */
    public static Meter meter(OpenTelemetry otel) {
        return otel.meterBuilder(SCOPE).setInstrumentationVersion(AgentVersion.get()).setSchemaUrl(SCHEMA_URL).build();
    }

    /**
     * Counts every HTTP exchange; only those the sampler keeps get a span. An exchange of another
     * protocol gets a span on the same terms, through what every protocol tells.
     */
    public void export(ExchangeFinished item) {
        Attributes destination = attributesOf.of(item.connection().destination());
        HttpExchange http = item.http();
        if (http == null) {
            WireExchange e = item.exchange();
            if (sampler.keep(item.warnings(), false, e.failure() != null || e.errorType() != null, null)) {
                exchanges.exportOther(item, destination);
            }
            return;
        }
        Attributes metric = attributesOf.forMetrics(item.connection().destination());
        exchangeCount.add(1, metric);
        requestDurations.record(item.connection(), http);
        if (http.resendCount() > 0) {
            resendCount.add(1, metric);
        }
        // An exchange that opened a WebSocket session always gets a span: the session's span is its child.
        boolean failed = ExchangeSpans.errorType(http, item.connection().role() == Role.CLIENT) != null;
        if (http.webSocket() != null || sampler.keep(item.warnings(), http.resendCount() > 0, failed, http.traceparent())) {
            exchanges.export(item, http, destination);
        }
    }

    /** A look-up the resolver answered: {@code dns.lookup.duration}. */
    public void export(NameLookup lookup) {
        lookupDurations.record(lookup);
    }

    /** Open connections as they stand, as log records (see {@link SnapshotExport}). */
    public void export(List<ConnectionSnapshot> open) {
        snapshots.emit(open);
    }

    /** Exports a settled connection with the warnings its rules raised (as events on its span). */
    public void export(ConnectionRecord r, List<Warning> warnings) {
        CloseClassification how = r.classification();
        Attributes destination = attributesOf.of(r.destination());
        Attributes metric = attributesOf.forMetrics(r.destination());
        recordMetrics(r, how, metric);

        SpanBuilder sb = tracer.spanBuilder("connection " + r.role().label())
            .setNoParent()
            .setStartTimestamp(clock.epochNanos(r.openNanos()), TimeUnit.NANOSECONDS)
            .setAllAttributes(destination);
        connectionAttributes(sb, r, how);
        for (SpanContext exchange : exchanges.takeLinks(r)) {
            sb.addLink(exchange);
        }
        Span span = sb.startSpan();
        if (how == CloseClassification.CONNECT_FAILED) {
            span.setStatus(StatusCode.ERROR, "connect failed: " + r.connectError());
        } else if (how == CloseClassification.RESET) {
            span.setStatus(StatusCode.ERROR, "connection reset by peer");
        }
        Context parent = Context.root().with(span);
        if (r.role() == Role.CLIENT && r.connectEndNanos() != 0L) {
            Span connect = tracer.spanBuilder("socket connect").setParent(parent)
                .setStartTimestamp(clock.epochNanos(r.openNanos()), TimeUnit.NANOSECONDS)
                .setAllAttributes(destination).startSpan();
            if (r.connectError() != null) {
                connect.setAttribute(ERROR_TYPE, r.connectError());
                connect.setStatus(StatusCode.ERROR);
            }
            connect.end(clock.epochNanos(r.connectEndNanos()), TimeUnit.NANOSECONDS);
        }
        TlsInfo tls = r.tls().info();
        if (tls != null) {
            Span handshake = tracer.spanBuilder("TLS handshake").setParent(parent)
                .setStartTimestamp(clock.epochNanos(tls.startNanos), TimeUnit.NANOSECONDS)
                .setAllAttributes(destination).setAllAttributes(tlsAttributes(tls)).startSpan();
            if (tls.error != null) {
                handshake.setStatus(StatusCode.ERROR);
            }
            handshake.end(clock.epochNanos(tls.endNanos), TimeUnit.NANOSECONDS);
        }
        webSockets.export(r, destination, metric);
        warningExport.emit(warnings, span, destination, r.id(), clock.epochNanos(r.endNanos()));
        span.end(clock.epochNanos(r.endNanos()), TimeUnit.NANOSECONDS);
    }

    /** @param destination the destination's attributes for metrics */
    private void recordMetrics(ConnectionRecord r, CloseClassification how, Attributes destination) {
        if (r.connectEndNanos() != 0L && r.role() == Role.CLIENT) {
            Attributes a = r.connectError() == null ? destination
                : destination.toBuilder().put(ERROR_TYPE, r.connectError()).build();
            connectDuration.record(seconds(r.connectEndNanos() - r.openNanos()), a);
        }
        TlsInfo tls = r.tls().info();
        if (tls != null) {
            AttributesBuilder a = destination.toBuilder();
            if (tls.protocolVersion != null) {
                a.put(TLS_PROTOCOL_VERSION, tls.protocolVersion);
            }
            if (tls.resumed != null) {
                a.put(TLS_RESUMED, tls.resumed);
            }
            if (tls.error != null) {
                a.put(ERROR_TYPE, tls.error);
            }
            tlsDuration.record(seconds(tls.durationNanos()), a.build());
        }
        if (how != CloseClassification.CONNECT_FAILED) {
            connectionDuration.record(seconds(r.endNanos() - r.openNanos()),
                destination.toBuilder().put(CLOSE_CLASSIFICATION, how.label()).build());
        }
        HttpConnection http = r.http();
        if (http != null && http.requests() > 0) {
            requestsPerConnection.record(http.requests(), destination);
            if (r.role() == Role.CLIENT) {
                httpConnectionDuration.record(seconds(r.endNanos() - r.openNanos()),
                    attributesOf.forHttpClientMetrics(r.destination()).put(NETWORK_PROTOCOL_VERSION, http.version()).build());
            }
        }
    }

    /** Sets the connection's attributes on its span directly: an Attributes built first would be sorted for nothing. */
    private static void connectionAttributes(SpanBuilder b, ConnectionRecord r, CloseClassification how) {
        b.setAttribute(NETWORK_TRANSPORT, "tcp")
            .setAttribute(CONNECTION_ID, r.id())
            .setAttribute(API, r.api())
            .setAttribute(CLOSE_CLASSIFICATION, how.label())
            .setAttribute(CLOSE_SEQUENCE, r.sequence());
        if (r.seenSinceAttach()) {
            b.setAttribute(SEEN_SINCE_ATTACH, true);
        }
        if (r.peerAddress() != null) {
            b.setAttribute(NETWORK_PEER_ADDRESS, r.peerAddress());
        }
        if (r.peerPort() > 0) {
            b.setAttribute(NETWORK_PEER_PORT, r.peerPort());
        }
        if (r.localAddress() != null) {
            b.setAttribute(NETWORK_LOCAL_ADDRESS, r.localAddress());
        }
        if (r.localPort() > 0) {
            b.setAttribute(NETWORK_LOCAL_PORT, r.localPort());
        }
        NameAttributes.on(b, r.resolution());
        if (r.connectError() != null) {
            b.setAttribute(ERROR_TYPE, r.connectError());
            return;
        }
        b.setAttribute(BYTES_SENT, r.bytesWritten())
            .setAttribute(BYTES_RECEIVED, r.bytesRead())
            .setAttribute(WRITES, r.writes())
            .setAttribute(READS, r.reads())
            .setAttribute(TCP_NODELAY, r.noDelay())
            .setAttribute(TCP_NODELAY_BEFORE_FIRST_WRITE, r.noDelaySetBeforeFirstWrite())
            .setAttribute(CLOSE_INITIATOR, r.initiator())
            .setAttribute(IDLE_MS, millis(r.endNanos() - r.lastActivityNanos()));
        if (r.firstWriteNanos() != 0L) {
            b.setAttribute(FIRST_WRITE_MS, millis(r.firstWriteNanos() - r.openNanos()));
        }
        if (r.firstReadNanos() != 0L) {
            b.setAttribute(FIRST_READ_MS, millis(r.firstReadNanos() - r.openNanos()));
        }
        if (how == CloseClassification.OPEN_AT_EXIT) {
            b.setAttribute(OPEN_AT_EXIT, true);
        }
        if (how == CloseClassification.RESET) {
            b.setAttribute(ERROR_TYPE, "connection_reset");
        }
        TlsInfo tls = r.tls().info();
        if (tls != null) {
            b.setAllAttributes(tlsAttributes(tls)).setAttribute(TLS_HANDSHAKES, r.tls().handshakes());
        }
        HttpConnection http = r.http();
        if (http != null && http.seenHttp()) {
            b.setAttribute(NETWORK_PROTOCOL_NAME, "http").setAttribute(NETWORK_PROTOCOL_VERSION, http.version())
                .setAttribute(HTTP_REQUESTS, http.requests()).setAttribute(HTTP_RESPONSES, http.responses());
            if (http.truncated() > 0) {
                b.setAttribute(HTTP_TRUNCATED, http.truncated());
            }
            if (http.keepAliveTimeoutSeconds() >= 0) {
                b.setAttribute(HTTP_KEEP_ALIVE_TIMEOUT, http.keepAliveTimeoutSeconds());
            }
            if (http.stopped() != null) {
                b.setAttribute(HTTP_STOPPED, http.stopped());
            }
            if (http.http2() != null) {
                b.setAllAttributes(Http2Attributes.of(http.http2(), tls));
            }
        }
    }

    private static Attributes tlsAttributes(TlsInfo tls) {
        AttributesBuilder b = Attributes.builder().put(TLS_PROTOCOL_NAME, "tls").put(TLS_ESTABLISHED, tls.error == null);
        if (tls.protocolVersion != null) {
            b.put(TLS_PROTOCOL_VERSION, tls.protocolVersion);
        }
        if (tls.cipher != null) {
            b.put(TLS_CIPHER, tls.cipher);
        }
        if (tls.resumed != null) {
            b.put(TLS_RESUMED, tls.resumed);
        }
        if (tls.alpn != null) {
            b.put(TLS_NEXT_PROTOCOL, tls.alpn);
        }
        if (tls.error != null) {
            b.put(ERROR_TYPE, tls.error);
        }
        return b.build();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
