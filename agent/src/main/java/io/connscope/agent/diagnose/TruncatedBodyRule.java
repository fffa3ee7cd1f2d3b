package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
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
            + ") was truncated by the connection's close: " + received + ".";
        return new Warning(ID, Severity.WARN, evidence,
            "Find why the connection closed early (server crash or timeout, proxy limit, reset); clients must treat"
                + " a short body as a failure, not as data.");
    }
}
