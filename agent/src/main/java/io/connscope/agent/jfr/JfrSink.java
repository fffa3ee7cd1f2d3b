package io.connscope.agent.jfr;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import io.connscope.agent.pipeline.ConnectionEnded;
import io.connscope.agent.pipeline.ConnectionSnapshot;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.wire.WireExchange;
import java.util.List;
import jdk.jfr.FlightRecorder;

/**
 * connscope's facts as JDK Flight Recorder events, beside the JDK's own (jdk.SocketRead, ...): each
 * connection as it ended, each exchange (HTTP's, and other protocols'), each warning, and long-lived
 * connections at each snapshot interval. Nothing is built until a recording has
 * run in this JVM, and then only the event types a recording enables. The events are committed on
 * connscope's pipeline thread once a connection has settled, so their JFR start time is when
 * connscope reported them: the connection's and the exchange's own times and durations are fields,
 * and a JFR threshold (which filters on an event's own duration) is to be left at 0 ms for them.
 */
public final class JfrSink implements EventSink {

    private final Clock clock;

    private JfrSink(Clock clock) {
        this.clock = clock;
    }

    /**
     * The sink, or null when this JVM has no JFR: a runtime without the jdk.jfr module, or an
     * application launched as a module that does not resolve it.
     */
    public static EventSink ifAvailable(Clock clock) {
        return ModuleLayer.boot().findModule("jdk.jfr").isPresent() ? new JfrSink(clock) : null;
    }

    /** False until a recording has started in this JVM: until then, not one event object is made. */
    private static boolean recording() {
        return FlightRecorder.isInitialized();
    }

    @Override
    public void exchangeFinished(ExchangeFinished event) {
        if (!recording()) {
            return;
        }
        ConnectionRecord r = event.connection();
        HttpExchange e = event.http();
        if (e == null) {
            other(r, event);
            return;
        }
        HttpExchangeEvent jfr = new HttpExchangeEvent();
        if (jfr.shouldCommit()) {
            jfr.connectionId = r.id();
            jfr.role = r.role().label();
            jfr.destination = r.destination().key;
            jfr.requestIndex = e.index;
            jfr.method = e.method();
            jfr.path = RequestTarget.path(e.target());
            jfr.protocolVersion = e.version();
            jfr.status = e.status();
            long start = e.requestStartNanos() != 0L ? e.requestStartNanos() : e.responseStartNanos();
            jfr.started = millis(start);
            jfr.exchangeDuration = e.responseEndNanos() > start ? e.responseEndNanos() - start : 0L;
            jfr.responseBodyBytes = e.responseBodyBytes();
            jfr.resendCount = e.resendCount();
            jfr.failure = e.failure();
            jfr.warnings = rules(event.warnings());
            jfr.commit();
        }
        warnings(r, event.warnings());
    }

    @Override
    public void connectionEnded(ConnectionEnded event) {
        if (!recording()) {
            return;
        }
        ConnectionRecord r = event.connection();
        ConnectionEndedEvent jfr = new ConnectionEndedEvent();
        if (jfr.shouldCommit()) {
            jfr.connectionId = r.id();
            jfr.role = r.role().label();
            jfr.api = r.api();
            jfr.destination = r.destination().key;
            jfr.peerAddress = r.peerAddress();
            jfr.peerPort = r.peerPort();
            jfr.localPort = r.localPort();
            jfr.opened = millis(r.openNanos());
            jfr.ended = millis(r.endNanos());
            jfr.lifetime = Math.max(0L, r.endNanos() - r.openNanos());
            jfr.connectDuration = r.role() == Role.CLIENT && r.connectEndNanos() > r.openNanos()
                && !r.seenSinceAttach() ? r.connectEndNanos() - r.openNanos() : 0L;
            TlsInfo tls = r.tls().info();
            jfr.tlsHandshakeDuration = tls == null ? 0L : tls.durationNanos();
            jfr.tlsProtocol = tls == null ? null : tls.protocolVersion;
            jfr.bytesSent = r.bytesWritten();
            jfr.bytesReceived = r.bytesRead();
            jfr.closeClassification = r.classification().label();
            jfr.closeInitiator = r.initiator();
            jfr.sequence = r.sequence();
            HttpConnection http = r.http();
            jfr.httpRequests = http == null ? 0 : http.requests();
            jfr.warnings = rules(event.warnings());
            jfr.commit();
        }
        warnings(r, event.warnings());
    }

    @Override
    public void connectionsOpen(List<ConnectionSnapshot> snapshots) {
        if (!recording()) {
            return;
        }
        for (ConnectionSnapshot s : snapshots) {
            ConnectionSnapshotEvent jfr = new ConnectionSnapshotEvent();
            if (!jfr.shouldCommit()) {
                return;
            }
            ConnectionRecord r = s.connection();
            jfr.connectionId = r.id();
            jfr.role = r.role().label();
            jfr.destination = r.destination().key;
            jfr.age = s.ageNanos;
            jfr.idle = s.idleNanos;
            jfr.bytesSent = s.bytesSent;
            jfr.bytesReceived = s.bytesReceived;
            jfr.httpRequests = s.requests;
            jfr.state = s.state;
            jfr.warnings = s.warnings;
            jfr.snapshot = s.sequence;
            jfr.commit();
        }
    }

    /** An exchange of another protocol, as every protocol tells it. */
    private void other(ConnectionRecord r, ExchangeFinished event) {
        WireExchange e = event.exchange();
        ExchangeEvent jfr = new ExchangeEvent();
        if (jfr.shouldCommit()) {
            jfr.connectionId = r.id();
            jfr.role = r.role().label();
            jfr.destination = r.destination().key;
            jfr.protocol = e.protocol();
            jfr.requestIndex = e.index();
            jfr.operation = e.operation();
            long start = e.requestStartNanos() != 0L ? e.requestStartNanos() : e.responseStartNanos();
            jfr.started = millis(start);
            jfr.exchangeDuration = e.responseEndNanos() > start ? e.responseEndNanos() - start : 0L;
            jfr.error = e.failure() != null ? e.failure() : e.errorType();
            StringBuilder attributes = new StringBuilder();
            e.attributes().forEach((k, v) -> attributes.append(attributes.length() == 0 ? "" : " ").append(k)
                .append('=').append(v));
            jfr.attributes = attributes.toString();
            jfr.warnings = rules(event.warnings());
            jfr.commit();
        }
        warnings(r, event.warnings());
    }

    private void warnings(ConnectionRecord r, List<Warning> warnings) {
        for (Warning w : warnings) {
            WarningEvent jfr = new WarningEvent();
            if (!jfr.shouldCommit()) {
                return;
            }
            jfr.rule = w.rule;
            jfr.severity = w.severity.name();
            jfr.connectionId = r.id();
            jfr.destination = r.destination().key;
            jfr.evidence = w.evidence;
            jfr.fix = w.advice;
            jfr.commit();
        }
    }

    private long millis(long nanoTime) {
        return nanoTime == 0L ? 0L : clock.epochNanos(nanoTime) / 1_000_000L;
    }

    private static String rules(List<Warning> warnings) {
        if (warnings.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Warning w : warnings) {
            sb.append(sb.length() == 0 ? "" : ",").append(w.rule);
        }
        return sb.toString();
    }
}
