package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.TlsInfo;

/** Repeated full TLS handshakes to the same destination, none of them resumed. */
public final class TlsNoResumptionRule implements ConnectionRule {

    public static final String ID = "tls-no-resumption";

    private final long fullHandshakes;

    public TlsNoResumptionRule(Thresholds t) {
        fullHandshakes = Math.max(2, t.get("full.handshakes", 3));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        TlsInfo tls = r.tls;
        long handshakes = r.tlsHandshakesToDestination;
        if (tls == null || tls.error != null || !Boolean.FALSE.equals(tls.resumed) || r.tlsResumedToDestination > 0
            || handshakes < fullHandshakes) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id + " paid a full TLS handshake ("
            + Describe.millis(tls.durationNanos()) + "), full handshake number " + handshakes + " to this destination"
            + " (threshold " + fullHandshakes + "): not one resumed a session.", "Share one SSLContext (and its session cache) across"
            + " connections instead of building one per connection, and reuse connections; check that the server"
            + " issues session tickets.");
    }
}
