package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;

/**
 * The peer reset the connection ("connection reset", "broken pipe"), seen on a read or a write. Not
 * after the peer ended its TLS session read through this end's SSLEngine, with close_notify or with its
 * FIN alone: TLS lets it close without waiting for this end's close_notify (RFC 8446 §6.1), and when
 * that reply arrives at a closed socket, the peer's kernel answers with RST. Nothing was lost, as long
 * as this end wrapped no data after the peer's end (gRPC's Netty client closes this way as it shuts
 * down; java.net.http drops an unreferenced client's pooled connections without close_notify).
 */
public final class ConnectionResetRule implements ConnectionRule {

    public static final String ID = "connection-reset";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        boolean onRead = r.events().contains(ConnectionEvent.RESET_ON_READ);
        if (!onRead && !r.events().contains(ConnectionEvent.RESET_ON_WRITE) || r.resetNanos() == 0L) {
            return null;
        }
        if (peerEndedTls(r) && !r.tls().wroteAfterPeerEnded()) {
            return null;
        }
        long lastActivity = r.lastActivityNanos();
        String evidence = "connection " + r.id() + " was reset by the peer, seen on a " + (onRead ? "read" : "write") + " "
            + Describe.millis(r.resetNanos() - r.openNanos()) + " after it opened"
            + (lastActivity > 0 && lastActivity <= r.resetNanos()
                ? " and " + Describe.millis(r.resetNanos() - lastActivity) + " after its last successful I/O" : "")
            + ", after " + r.bytesWritten() + " bytes sent and " + r.bytesRead() + " received (" + r.sequence() + ").";
        return new Warning(ID, Severity.WARN, evidence, "Find why the peer aborted: it closed with unread input"
            + " (see abortive-close on its side), it timed the connection out while idle, or a middlebox dropped it."
            + " Reused idle connections are the usual cause: evict them before the peer's idle timeout.");
    }

    /**
     * The peer ended its TLS session before the reset: its close_notify was read, or, on a connection
     * whose SSLEngine this end follows (so that data wrapped after it is known), its end of stream.
     */
    private static boolean peerEndedTls(ConnectionRecord r) {
        long closeNotify = r.tls().peerCloseNotifyNanos();
        long eof = r.tls().engineHandshakeStartNanos() != 0L ? r.eofNanos() : 0L;
        return closeNotify != 0L && closeNotify <= r.resetNanos() || eof != 0L && eof <= r.resetNanos();
    }
}
