package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NagleBand;
import io.connscope.agent.connection.NagleEvidence;
import io.connscope.agent.connection.Role;

/**
 * Nagle's algorithm meeting delayed ACK on the server's side, as its client sees it: the response
 * head arrives, and its body follows within the delayed-ACK band with nothing sent by the client in
 * between. The server wrote head and body apart with TCP_NODELAY off; its Nagle held the body until
 * the client's delayed ACK of the head. The fix is the server's.
 *
 * <p>Claimed at least {@code repeats} times and for most of the responses whose body came apart
 * from their head; the band is {@code nagle-delayed-ack}'s.
 */
public final class PeerNagleRule implements ConnectionRule {

    public static final String ID = "peer-nagle-delayed-ack";

    private final long repeats;
    private final NagleBand band;

    PeerNagleRule(Thresholds t, NagleBand band) {
        repeats = Math.max(1, t.get("repeats", 3));
        this.band = band;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        NagleEvidence n = r.nagle();
        if (r.role() != Role.CLIENT || n == null || n.stalledResponses < repeats || 2L * n.stalledResponses < n.splitResponses) {
            return null;
        }
        int together = n.responsesWithBody - n.splitResponses;
        String evidence = "on connection " + r.id() + ", " + n.stalledResponses + " of " + n.responsesWithBody
            + " responses arrived in two parts: the head, then the body "
            + NagleDelayedAckRule.range(n.stalledResponseMinNanos, n.stalledResponseMaxNanos)
            + " later, within the delayed-ACK band " + band + ", with nothing sent by this side in"
            + " between (" + together + " arrived with head and body together): the server writes head and body apart"
            + " with TCP_NODELAY off, and its Nagle held the body until this side's delayed ACK of the head.";
        return new Warning(ID, Severity.WARN, evidence, "Fix it on the server " + r.destination().key + ": set TCP_NODELAY"
            + " on its accepted sockets (for the JDK's HttpServer, -Dsun.net.httpserver.nodelay=true), or have it write"
            + " each response's head and body in one buffer.");
    }
}
