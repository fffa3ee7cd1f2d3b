package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;

/**
 * The peer reset the connection ("connection reset", "broken pipe"), seen on a read or a write. Not
 * after the peer ended its TLS session with close_notify: TLS lets it close without waiting for this
 * end's close_notify (RFC 8446 §6.1), and when that reply arrives at a closed socket, the peer's
 * kernel answers with RST. Nothing was lost, as long as this end wrote no data after that alert (gRPC's
 * Netty client closes this way as it shuts down).
 */
public final class ConnectionResetRule implements ConnectionRule {

    public static final String ID = "connection-reset";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        boolean onRead = r.events.contains(ConnectionEvent.RESET_ON_READ);
        if (!onRead && !r.events.contains(ConnectionEvent.RESET_ON_WRITE) || r.resetNanos == 0L) {
            return null;
        }
        if (r.peerCloseNotifyNanos != 0L && r.peerCloseNotifyNanos <= r.resetNanos && !r.wroteAfterPeerCloseNotify) {
            return null;
        }
        long lastActivity = r.lastActivityNanos();
        String evidence = "connection " + r.id + " was reset by the peer, seen on a " + (onRead ? "read" : "write") + " "
            + Describe.millis(r.resetNanos - r.openNanos) + " after it opened"
            + (lastActivity > 0 && lastActivity <= r.resetNanos
                ? " and " + Describe.millis(r.resetNanos - lastActivity) + " after its last successful I/O" : "")
            + ", after " + r.bytesWritten() + " bytes sent and " + r.bytesRead() + " received (" + r.sequence() + ").";
        return new Warning(ID, Severity.WARN, evidence, "Find why the peer aborted: it closed with unread input"
            + " (see abortive-close on its side), it timed the connection out while idle, or a middlebox dropped it."
            + " Reused idle connections are the usual cause: evict them before the peer's idle timeout.");
    }
}
