package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;

/**
 * A close with unread input pending, or with SO_LINGER 0: the stack sends RST instead of FIN, and the
 * peer may lose what it sent, or what this side had not yet sent. A SO_LINGER 0 close of a connection
 * that carried no data either way, or of an HTTP client's connection after the server had closed its
 * side, loses nothing, and is only told (INFO).
 */
public final class AbortiveCloseRule implements ConnectionRule {

    public static final String ID = "abortive-close";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (r.classification() != CloseClassification.ABORTIVE) {
            return null;
        }
        if (r.closedWithLingerZero && !r.events.contains(ConnectionEvent.UNREAD_AT_CLOSE)) {
            if (r.bytesWritten() == 0 && r.bytesRead() == 0) {
                // No data either way, so none was lost: a connection made only to wake a blocked accept (Tomcat's
                // connectors do this as they stop) or to probe a port. Told, not warned of.
                return new Warning(ID, Severity.INFO, "connection " + r.id + ", which carried no data either way, was"
                    + " closed with SO_LINGER 0, so the stack reset it instead of closing it; nothing was lost ("
                    + r.sequence() + ").", "Nothing to fix if the connection was only a probe or a wake-up; otherwise,"
                    + " leave SO_LINGER off and close normally.");
            }
            boolean peerFirst = r.events.contains(ConnectionEvent.EOF);
            String ending = serverEnded(r, peerFirst);
            if (ending != null) {
                return new Warning(ID, Severity.INFO, "connection " + r.id + " was closed with SO_LINGER 0 after " + ending
                    + ", so the stack reset it; nothing the server would still act on was lost (" + r.sequence() + ").",
                    "Nothing to fix for this connection; see why the server closed it (an idle timeout, Connection: close).");
            }
            return new Warning(ID, Severity.WARN, "connection " + r.id + " was closed with SO_LINGER 0, so the stack ended"
                + " it with a reset instead of a FIN (unless the peer's reset came first): whatever it had not yet sent was"
                + " dropped" + (peerFirst ? " (the peer had already closed its side)"
                : ", and a peer still reading sees \"connection reset\"") + " (" + r.sequence() + ").",
                "Leave SO_LINGER off and close normally. If it was set to avoid TIME_WAIT, let the peer close first"
                + " instead: TIME_WAIT stays with the side that closes first.");
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id + " was closed with " + r.unreadAtClose
            + " byte(s) of input unread, so the stack reset it instead of closing it: the peer may lose data it had"
            + " sent and sees \"connection reset\" (" + r.sequence() + ").",
            "Read to end of stream (or shutdownOutput, then read until EOF) before close; never close with input pending.");
    }

    /**
     * For an HTTP client's connection that the server ended, how (else null): an HTTP server that closed
     * its side, or announced with its last complete response that it would, reads nothing more that
     * matters: its answers were sent, and a request still on its way was never going to be answered.
     * Apache HttpClient 5 closes such connections with SO_LINGER 0.
     */
    private static String serverEnded(ConnectionRecord r, boolean peerFirst) {
        if (r.role != Role.CLIENT || r.http == null || !r.http.seenHttp()) {
            return null;
        }
        if (peerFirst) {
            return "the server had closed its side (end of stream read first)";
        }
        String announced = r.http.closeAnnouncedBy();
        if (announced != null && announced.startsWith("response") && r.http.truncated() == 0
            && r.http.responses() == r.http.requests()) {
            return "the server had said it would close it (Connection: close, " + announced + ") and every response had"
                + " come in full";
        }
        return null;
    }
}
