package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/** A response body that ends only when the connection closes: it can be neither reused nor checked for truncation. */
public final class CloseDelimitedResponseRule implements ExchangeRule {

    public static final String ID = "close-delimited-response";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (!e.closeDelimited() || e.status() == 0) {
            return null;
        }
        String evidence = "the response to " + Describe.request(e) + " on connection " + r.id() + " (status " + e.status()
            + ") had neither Content-Length nor chunked encoding: its " + e.responseBodyBytes()
            + " body bytes ended with the connection's close, so the connection cannot be reused and a cut-short"
            + " body looks complete.";
        return new Warning(ID, Severity.WARN, evidence,
            "Have the server send Content-Length, or Transfer-Encoding: chunked for streamed bodies.");
    }
}
