package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TlsInfo;

/**
 * Repeated full TLS handshakes to the same destination, none of them resumed. Only handshakes that
 * began once an earlier one there had ended count after the first: handshakes begun in parallel
 * before any session existed (a pool filling up) had nothing to resume. Client side. A WARN when the
 * handshake's own SSLContext held a session for the destination and still paid the full price; INFO when
 * the handshakes came from different SSLContexts, each with nothing to resume.
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
        TlsInfo tls = r.tls().info();
        long afterSession = r.tls().fullWithSessionToDestination();
        // Client side only: a server cannot tell a client that threw its session away from another client,
        // which had none to offer (any TLS server with a few clients would warn).
        if (r.role() != Role.CLIENT || tls == null || tls.error != null || !Boolean.FALSE.equals(tls.resumed)
            || r.tls().resumedToDestination() > 0 || afterSession == 0 || afterSession + 1 < fullHandshakes) {
            return null;
        }
        String paid = "connection " + r.id() + " paid a full TLS handshake (" + Describe.millis(tls.durationNanos())
            + "), full handshake number " + (afterSession + 1) + " to this destination (threshold " + fullHandshakes
            + "), counting the first and those begun after an earlier one had ended";
        if (r.tls().fullWithSessionInCache() + 1 >= fullHandshakes) {
            return new Warning(ID, Severity.WARN, paid + ": its SSLContext's session cache held a session for this"
                + " destination, and this was its full handshake number " + (r.tls().fullWithSessionInCache() + 1)
                + " there; not one resumed a session.", "The client offered sessions that the server did not resume:"
                + " check that the server issues session tickets (or keeps a session cache) and that its ticket keys"
                + " outlive the client's sessions; and reuse connections.");
        }
        // A fresh SSLContext has no session to resume: one per connection is a mistake, one per client library
        // (several in one JVM) is not, and the two look alike from here.
        String caches = r.tls().cachesToDestination() > 1 ? "from " + r.tls().cachesToDestination() + " different SSLContexts"
            : "from SSLContexts connscope could not tell apart";
        return new Warning(ID, Severity.INFO, paid + ", " + caches + ": a new SSLContext has no session to resume, and"
            + " not one resumed.", "If one client makes these connections, share one SSLContext (and its session"
            + " cache) across them instead of building one per connection, and reuse connections.");
    }
}
