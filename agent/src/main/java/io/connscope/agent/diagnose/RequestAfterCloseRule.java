package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/** A request sent on a connection after a message on it said Connection: close. */
public final class RequestAfterCloseRule implements ExchangeRule {

    public static final String ID = "request-after-connection-close";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        String announcedBy = e.afterCloseAnnouncedBy();
        if (announcedBy == null) {
            return null;
        }
        String evidence = Describe.request(e) + " was sent on connection " + r.id() + " after " + announcedBy
            + " announced the connection's close (Connection: close, or HTTP/1.0 without keep-alive); the server"
            + " will not read it, and the client finds out only by a failed read.";
        return new Warning(ID, Severity.WARN, evidence,
            "Open a new connection after Connection: close; a client that keeps the connection in its pool has a bug"
                + " (or the server should not say close).");
    }
}
