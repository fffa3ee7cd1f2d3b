package io.connscope.agent.connection;

import java.util.List;

/** How a connection ended, derived from the order of its events. */
public enum CloseClassification {
    /** shutdownOutput, then the peer's EOF, then close: the orderly half-close. */
    GRACEFUL("graceful"),
    /** The peer's EOF arrived before this side shut down or closed. */
    PEER_FIRST("peer-first"),
    /** This side closed (or half-closed and then closed) without waiting for the peer's EOF. */
    LOCAL_CLOSE("local-close"),
    /**
     * Closed with unread input pending, or with SO_LINGER 0: the stack answers with RST and the peer
     * may lose data.
     */
    ABORTIVE("abortive"),
    /** The peer reset the connection. */
    RESET("reset"),
    /** Never closed: the socket object was garbage-collected while still open. */
    LEAKED("leaked"),
    /** Still open when the JVM exited. */
    OPEN_AT_EXIT("open-at-exit"),
    /** The connection was never established. */
    CONNECT_FAILED("connect-failed");

    private final String label;

    CloseClassification(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static CloseClassification classify(List<ConnectionEvent> events) {
        if (events.contains(ConnectionEvent.RESET_ON_READ) || events.contains(ConnectionEvent.RESET_ON_WRITE)) {
            return RESET;
        }
        if (events.contains(ConnectionEvent.UNREAD_AT_CLOSE) || events.contains(ConnectionEvent.LINGER_ZERO_CLOSE)) {
            return ABORTIVE;
        }
        if (!events.contains(ConnectionEvent.CLOSE)) {
            return events.contains(ConnectionEvent.COLLECTED) ? LEAKED : OPEN_AT_EXIT;
        }
        boolean shutOutput = false;
        for (ConnectionEvent e : events) {
            switch (e) {
                case SHUTDOWN_OUTPUT:
                    shutOutput = true;
                    break;
                case EOF:
                    return shutOutput ? GRACEFUL : PEER_FIRST;
                case CLOSE:
                    return LOCAL_CLOSE;
                default:
                    break;
            }
        }
        return LOCAL_CLOSE;
    }

    /** Who ended the connection first: local-shutdown-output, local-close, peer, reset, or none. */
    public static String initiator(List<ConnectionEvent> events) {
        for (ConnectionEvent e : events) {
            switch (e) {
                case SHUTDOWN_OUTPUT:
                    return "local-shutdown-output";
                case CLOSE:
                case UNREAD_AT_CLOSE:
                case LINGER_ZERO_CLOSE:
                    return "local-close";
                case EOF:
                    return "peer";
                case RESET_ON_READ:
                case RESET_ON_WRITE:
                    return "reset";
                default:
                    break;
            }
        }
        return "none";
    }
}
