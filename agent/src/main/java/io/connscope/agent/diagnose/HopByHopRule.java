package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.HttpHead;

/**
 * Hop-by-hop headers misused in a request: the non-standard Proxy-Connection, a Connection header
 * naming an end-to-end field (a proxy strips that field), or a Keep-Alive header that came through
 * a proxy without being listed in Connection.
 */
public final class HopByHopRule implements ExchangeRule {

    public static final String ID = "hop-by-hop-header";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        HttpHead h = e.requestHead();
        if (h == null) {
            return null;
        }
        String problem;
        String advice;
        if (h.proxyConnection) {
            problem = "carries Proxy-Connection, a non-standard header that no proxy should forward";
            advice = "Drop Proxy-Connection; use Connection (RFC 9112 §9.6), which every hop understands.";
        } else if (h.connectionNamesEndToEnd != null) {
            problem = "has a Connection header naming " + h.connectionNamesEndToEnd + ", an end-to-end field that any"
                + " proxy on the way will strip";
            advice = "List only hop-by-hop options in Connection (close, keep-alive, upgrade); never end-to-end fields.";
        } else if (h.forwarded && h.keepAliveHeader && !h.connectionKeepAlive) {
            problem = "passed a proxy (Via/Forwarded) and still carries a Keep-Alive header that Connection does not"
                + " list: a hop-by-hop header was forwarded";
            advice = "Proxies must remove hop-by-hop headers (Keep-Alive, TE, Upgrade, Proxy-*) before forwarding.";
        } else {
            return null;
        }
        return new Warning(ID, Severity.WARN, Describe.request(e) + " on connection " + r.id() + " " + problem + ".", advice);
    }
}
