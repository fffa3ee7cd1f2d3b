package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;

/** A close with unread input pending: the stack sends RST instead of FIN, and the peer may lose what it sent. */
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
        return new Warning(ID, Severity.WARN, "connection " + r.id + " was closed with " + r.unreadAtClose
            + " byte(s) of input unread, so the stack reset it instead of closing it: the peer may lose data it had"
            + " sent and sees \"connection reset\" (" + r.sequence() + ").",
            "Read to end of stream (or shutdownOutput, then read until EOF) before close; never close with input pending.");
    }
}
