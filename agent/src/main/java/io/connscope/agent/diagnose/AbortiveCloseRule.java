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
        if (r.closedWithLingerZero() && !r.events().contains(ConnectionEvent.UNREAD_AT_CLOSE)) {
            if (r.bytesWritten() == 0 && r.bytesRead() == 0) {
                // No data either way, so none was lost: a connection made only to wake a blocked accept (Tomcat's
                // connectors do this as they stop) or to probe a port. Told, not warned of.
                return new Warning(ID, Severity.INFO, "connection " + r.id() + ", which carried no data either way, was"
                    + " closed with SO_LINGER 0, so the stack reset it instead of closing it; nothing was lost ("
                    + r.sequence() + ").", "Nothing to fix if the connection was only a probe or a wake-up; otherwise,"
                    + " leave SO_LINGER off and close normally.");
            }
            boolean peerFirst = r.events().contains(ConnectionEvent.EOF);
            String ending = serverEnded(r, peerFirst);
            if (ending != null) {
                return new Warning(ID, Severity.INFO, "connection " + r.id() + " was closed with SO_LINGER 0 after " + ending
                    + ", so the stack reset it; nothing the server would still act on was lost (" + r.sequence() + ").",
                    "Nothing to fix for this connection; see why the server closed it (an idle timeout, Connection: close).");
            }
            return new Warning(ID, Severity.WARN, "connection " + r.id() + " was closed with SO_LINGER 0, so the stack ended"
                + " it with a reset instead of a FIN (unless the peer's reset came first): whatever it had not yet sent was"
                + " dropped" + (peerFirst ? " (the peer had already closed its side)"
                : ", and a peer still reading sees \"connection reset\"") + " (" + r.sequence() + ").",
                "Leave SO_LINGER off and close normally. If it was set to avoid TIME_WAIT, let the peer close first"
                + " instead: TIME_WAIT stays with the side that closes first.");
        }
        if (r.role() == Role.CLIENT && r.http() != null && r.http().leftUnread() > 0) {
            // The bytes are the rest of a response the application left unread: response-not-consumed says so.
            return new Warning(ID, Severity.INFO, "connection " + r.id() + " was closed with " + r.unreadAtEnd()
                + " byte(s) of input unread, the rest of a response the application did not read to its end (see "
                + ResponseNotConsumedRule.ID + "), so the stack reset it (" + r.sequence() + ").",
                "Read the response body to its end, or close it, before letting go of the connection.");
        }
        if (settled(r)) {
            // Bytes that answer nothing: a TLS server's close_notify or session ticket, an idle server's parting 408.
            return new Warning(ID, Severity.INFO, "connection " + r.id() + " was closed with " + r.unreadAtEnd()
                + " byte(s) of input unread after every response had come in full, with no request in flight, so the stack"
                + " reset it; those bytes answered no request, and nothing of the exchanges was lost (" + r.sequence()
                + ").", "Nothing to fix for the exchanges; a TLS client that waits for the server's close_notify before"
                + " closing leaves nothing unread.");
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id() + " was closed with " + r.unreadAtEnd()
            + " byte(s) of input unread, so the stack reset it instead of closing it: the peer may lose data it had"
            + " sent and sees \"connection reset\" (" + r.sequence() + ").",
            "Read to end of stream (or shutdownOutput, then read until EOF) before close; never close with input pending.");
    }

    /**
     * For an HTTP client's connection on which the reset could lose nothing the server would act on, why
     * (else null): the server had closed its side, so it reads nothing more that matters (a request still
     * on its way was never going to be answered); or every response had come in full, so nothing was in
     * flight either way. Apache HttpClient 5 closes connections with SO_LINGER 0: ones the server closed
     * or said it would close, and (now and then) its pool's at shutdown.
     */
    private static String serverEnded(ConnectionRecord r, boolean peerFirst) {
        if (r.role() != Role.CLIENT || r.http() == null || !r.http().seenHttp()) {
            return null;
        }
        if (peerFirst) {
            return "the server had closed its side (end of stream read first)";
        }
        if (!settled(r)) {
            return null;
        }
        String announced = r.http().closeAnnouncedBy();
        return announced != null && announced.startsWith("response") ? "the server had said it would close it"
            + " (Connection: close, " + announced + ") and every response had come in full"
            : "every response had come in full, with no request in flight";
    }

    /** An HTTP client's connection whose every request was answered in full: nothing was in flight either way. */
    private static boolean settled(ConnectionRecord r) {
        return r.role() == Role.CLIENT && r.http() != null && r.http().seenHttp() && r.http().requests() > 0
            && r.http().truncated() == 0 && r.http().responses() == r.http().requests();
    }
}
