package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.TlsInfo;

/**
 * Repeated full TLS handshakes to the same destination, none of them resumed. Only handshakes that
 * began once an earlier one there had ended count after the first: handshakes begun in parallel
 * before any session existed (a pool filling up) had nothing to resume.
 */
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
        long afterSession = r.tlsFullWithSessionToDestination;
        if (tls == null || tls.error != null || !Boolean.FALSE.equals(tls.resumed) || r.tlsResumedToDestination > 0
            || afterSession == 0 || afterSession + 1 < fullHandshakes) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id + " paid a full TLS handshake ("
            + Describe.millis(tls.durationNanos()) + "), full handshake number " + (afterSession + 1) + " to this destination"
            + " (threshold " + fullHandshakes + "), counting the first and those begun after an earlier one had ended, when"
            + " a session was there to resume: not one resumed a session.", "Share one SSLContext (and its session cache) across"
            + " connections instead of building one per connection, and reuse connections; check that the server"
            + " issues session tickets.");
    }
}
