package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.EventLog;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpExchange;

/** A response body cut short by the connection's close. */
public final class TruncatedBodyRule implements ExchangeRule {

    public static final String ID = "truncated-body";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (!"truncated_response".equals(e.failure())) {
            return null;
        }
        // A server's own view of the same cut: it sent what its client received.
        String verb = r.role() == Role.CLIENT ? "received " : "sent ";
        String received = e.responseDeclaredBytes() >= 0
            ? verb + e.responseBodyBytes() + " of " + e.responseDeclaredBytes() + " bytes"
            : verb + e.responseBodyBytes() + " bytes of a chunked body without its last chunk";
        String evidence = "the response to " + Describe.request(e) + " on connection " + r.id() + " (status " + e.status()
            + ") was cut short " + cut(r) + ": " + received + ".";
        return new Warning(ID, Severity.WARN, evidence,
            "Find why the connection closed early (server crash or timeout, proxy limit, reset); clients must treat"
                + " a short body as a failure, not as data.");
    }

    /**
     * How the body's end was cut off. A client's own close may be a read given up (a timeout) on a body
     * that had stopped arriving, a close after an end of stream not seen, or a body left unread where
     * what waited cannot be told (a channel, TLS): only the facts are said. A body shown left unread is
     * response-not-consumed.
     */
    private static String cut(ConnectionRecord r) {
        EventLog events = r.events();
        if (events.contains(ConnectionEvent.RESET_ON_READ) || events.contains(ConnectionEvent.RESET_ON_WRITE)) {
            return "by a reset of the connection";
        }
        if (events.contains(ConnectionEvent.EOF)) {
            return "by the peer's close of the connection (its end of stream was read)";
        }
        if (events.contains(ConnectionEvent.COLLECTED)) {
            return "as its socket was garbage-collected, never closed";
        }
        if (events.contains(ConnectionEvent.CLOSE)) {
            return "by this side's close of the connection, with no end of stream read first";
        }
        return "by the JVM's exit, the connection still open";
    }
}
