package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.pipeline.ConnectionSnapshot;
import io.connscope.agent.runtime.Clock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Exports each snapshot of an open connection as an OpenTelemetry log record with event name
 * {@code connscope.connection.snapshot}: the connection's destination and id, as on its span, and
 * how it stands. A log record, not a span: the connection's span exists only once it ends, a record
 * per interval adds no series (the cardinality stays that of the connections described, at most
 * {@code connscope.snapshot.max} per interval), and log stores (Loki, Elasticsearch) chart and
 * filter it by {@code connscope.connection.id} as it comes.
 */
final class SnapshotExport {

    static final String EVENT_NAME = "connscope.connection.snapshot";
    static final AttributeKey<Double> AGE_MS = AttributeKey.doubleKey("connscope.connection.age_ms");
    static final AttributeKey<Long> WARNINGS = AttributeKey.longKey("connscope.connection.warnings");
    static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("connscope.connection.snapshot");

    private final Logger logger;
    private final Clock clock;
    private final DestinationAttributes attributesOf;

    SnapshotExport(Logger logger, Clock clock, DestinationAttributes attributesOf) {
        this.logger = logger;
        this.clock = clock;
        this.attributesOf = attributesOf;
    }

    void emit(List<ConnectionSnapshot> snapshots) {
        for (ConnectionSnapshot s : snapshots) {
            ConnectionRecord r = s.connection();
            AttributesBuilder a = attributesOf.of(r.destination()).toBuilder()
                .put(CONNECTION_ID, r.id())
                .put(AGE_MS, s.ageNanos / 1e6)
                .put(IDLE_MS, s.idleNanos / 1e6)
                .put(BYTES_SENT, s.bytesSent)
                .put(BYTES_RECEIVED, s.bytesReceived)
                .put(WARNINGS, s.warnings)
                .put(SEQUENCE, s.sequence);
            if (s.requests >= 0) {
                a.put(HTTP_REQUESTS, s.requests).put(HTTP_RESPONSES, s.responses);
            }
            if (s.state.equals("active") || s.state.equals("idle")) {
                a.put(HTTP_CONNECTION_STATE, s.state);
            }
            logger.logRecordBuilder()
                .setEventName(EVENT_NAME)
                .setTimestamp(clock.epochNanos(s.atNanos), TimeUnit.NANOSECONDS)
                .setSeverity(Severity.INFO)
                .setSeverityText("INFO")
                .setBody(body(s))
                .setAllAttributes(a.build())
                .emit();
        }
    }

    /** "connection 42 open 1h 02m 05s, idle 12.0 s, HTTP active: 3412 requests, 3411 responses; 1203 B sent, …". */
    static String body(ConnectionSnapshot s) {
        ConnectionRecord r = s.connection();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(s.ageNanos);
        String http = s.requests < 0 ? "no HTTP" : String.format(Locale.ROOT, "HTTP %s: %d requests, %d responses",
            s.state, s.requests, s.responses);
        return String.format(Locale.ROOT, "connection %d (%s) open %dh %02dm %02ds, idle %.1f s, %s; %d bytes sent, %d"
                + " received; %d warning(s) so far (snapshot %d)", r.id(), r.role().label(), seconds / 3600,
            seconds / 60 % 60, seconds % 60, s.idleNanos / 1e9, http, s.bytesSent, s.bytesReceived, s.warnings, s.sequence);
    }
}
