package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.DestinationStats;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TlsInfo;
import java.util.concurrent.TimeUnit;

/** A TCP connect or TLS handshake slower than its threshold, with the destination's p95 for context. */
public final class SlowSetupRule implements ConnectionRule {

    public static final String ID = "slow-setup";

    private final long connectNanos;
    private final long tlsNanos;

    public SlowSetupRule(Thresholds t) {
        connectNanos = TimeUnit.MILLISECONDS.toNanos(t.get("connect.ms", 200));
        tlsNanos = TimeUnit.MILLISECONDS.toNanos(t.get("tls.ms", 300));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        DestinationStats s = r.destination().stats;
        if (r.role() == Role.CLIENT && r.connectError() == null && r.connectEndNanos() != 0L
            && r.connectEndNanos() - r.openNanos() > connectNanos) {
            return new Warning(ID, Severity.WARN, "connecting connection " + r.id() + " took "
                + Describe.millis(r.connectEndNanos() - r.openNanos()) + " (threshold " + Describe.millis(connectNanos)
                + "; p95 to this destination " + Describe.millis(s.connectTime.quantileNanos(0.95)) + " over "
                + s.connectTime.count() + " connects).", "Reuse connections (keep-alive, a pool) so the connect is paid"
                + " once; check DNS round-robin to far or overloaded addresses and the server's accept backlog.");
        }
        TlsInfo tls = r.tls().info();
        if (tls != null && tls.error == null && tls.durationNanos() > tlsNanos) {
            return new Warning(ID, Severity.WARN, "the TLS handshake of connection " + r.id() + " took "
                + Describe.millis(tls.durationNanos()) + " (threshold " + Describe.millis(tlsNanos) + "; p95 to this"
                + " destination " + Describe.millis(s.tlsHandshakeTime.quantileNanos(0.95)) + " over "
                + s.tlsHandshakeTime.count() + " handshakes; resumed: " + tls.resumed + ").",
                "Reuse connections, and share one SSLContext so sessions resume; check the server's certificate chain"
                    + " length and OCSP/CRL lookups.");
        }
        return null;
    }
}
