package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/**
 * A request written while an earlier response on the connection was still outstanding. Legal in
 * HTTP/1.1, but if the connection fails the client cannot tell which pipelined requests the server
 * acted on, which is unsafe for a non-idempotent one (RFC 9112 §9.3.2).
 */
public final class PipeliningRule implements ExchangeRule {

    public static final String ID = "http-pipelining";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (!e.pipelined()) {
            return null;
        }
        boolean unsafe = !e.idempotent();
        String evidence = Describe.request(e) + " on connection " + r.id() + " was written while response "
            + (e.index - 1) + " was still outstanding (pipelined)"
            + (unsafe ? "; " + e.method() + " is not idempotent, so after a failure the client cannot know whether"
                + " the server acted on it." : ".");
        String advice = unsafe
            ? "Never pipeline non-idempotent requests: wait for the previous response before sending " + e.method() + "."
            : "Pipelining is fragile (many servers and proxies mishandle it); prefer waiting for each response, or HTTP/2.";
        return new Warning(ID, unsafe ? Severity.WARN : Severity.INFO, evidence, advice);
    }
}
