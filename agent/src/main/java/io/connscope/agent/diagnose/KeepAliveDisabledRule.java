package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client that turned HTTP keep-alive off: its HTTP/1.1 connections to a destination each carried
 * one request, and that request itself asked the server to close the connection (Connection: close).
 * Every request then pays a new connection, and a TLS handshake where there is TLS, and the side
 * that closes first holds a port in TIME_WAIT. Claimed at the destination's {@code repeats}-th such
 * connection, then at most once per {@code window.ms}: the evidence adds up what they all paid, so
 * one claim says it all, and a client doing this thousands of times a second costs a counter per
 * connection, not a warning. A server that closed on its own (HTTP/1.0, a response's Connection:
 * close) is other rules' business.
 */
public final class KeepAliveDisabledRule implements ConnectionRule {

    public static final String ID = "keepalive-disabled";

    private final long repeats;
    private final long windowNanos;
    /**
     * Per destination: such connections, the connect and TLS handshake time they paid, how many this
     * side closed first (each holds its local port in TIME_WAIT), and when it was last claimed (0:
     * never). Pipeline thread only.
     */
    private final Map<Destination, long[]> paid = new HashMap<>();

    KeepAliveDisabledRule(Thresholds t) {
        repeats = Math.max(2, t.get("repeats", 5));
        windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, t.get("window.ms", 60_000)));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        HttpConnection http = r.http();
        if (r.role() != Role.CLIENT || r.connectError() != null || http == null || http.requests() != 1
            || !"1.1".equals(http.version()) || !"request 1".equals(http.closeAnnouncedBy())) {
            return null;
        }
        long[] p = paid.computeIfAbsent(r.destination(), d -> new long[5]);
        p[0]++;
        if (r.connectEndNanos() > r.openNanos() && !r.seenSinceAttach()) {
            p[1] += r.connectEndNanos() - r.openNanos();
        }
        TlsInfo tls = r.tls().info();
        if (tls != null && tls.error == null) {
            p[2] += tls.durationNanos();
        }
        CloseClassification how = r.classification();
        if (how == CloseClassification.LOCAL_CLOSE || how == CloseClassification.GRACEFUL) {
            p[3]++;
        }
        if (p[0] < repeats || p[4] != 0L && r.endNanos() - p[4] < windowNanos) {
            return null;
        }
        p[4] = Math.max(1L, r.endNanos());
        String evidence = "connection " + r.id() + " carried one request, which itself asked the server to close the"
            + " connection (Connection: close); it is connection " + p[0] + " to this destination that did so. Together"
            + " they paid " + Describe.millis(p[1]) + " of connecting" + (p[2] > 0 ? " and " + Describe.millis(p[2])
            + " of TLS handshakes" : "") + (p[3] > 0 ? "; " + p[3] + " of them were closed by this side first, each"
            + " holding its local port in TIME_WAIT for " + LocalPorts.TIME_WAIT_SECONDS + " s." : ".");
        return new Warning(ID, Severity.WARN, evidence, "Let the client keep connections alive: do not send"
            + " Connection: close (a header set by the application, or HttpURLConnection with -Dhttp.keepAlive=false),"
            + " and reuse one client and its pool for every request to the destination.");
    }
}
