package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/** An HTTP/1.0 exchange without keep-alive: one request per TCP connection. */
public final class Http10WithoutKeepAliveRule implements ExchangeRule {

    public static final String ID = "http10-no-keepalive";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        String who;
        if ("1.0".equals(e.version()) && !e.requestKeepAlive()) {
            who = "the request was HTTP/1.0 without Connection: keep-alive";
        } else if ("1.0".equals(e.responseVersion()) && !e.responseKeepAlive() && e.status() > 0) {
            who = "the server answered HTTP/1.0 without Connection: keep-alive";
        } else {
            return null;
        }
        String evidence = Describe.request(e) + " on connection " + r.id() + ": " + who
            + ", so the connection closes after this one exchange and the next request pays a new handshake.";
        return new Warning(ID, Severity.WARN, evidence,
            "Speak HTTP/1.1 (persistent by default), or send Connection: keep-alive on both sides.");
    }
}
