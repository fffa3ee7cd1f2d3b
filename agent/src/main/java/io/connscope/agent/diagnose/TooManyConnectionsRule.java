package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;

/** More connections open at once to one destination than a limit (browsers use 6 per host). */
public final class TooManyConnectionsRule implements ConnectionRule {

    public static final String ID = "too-many-connections";

    private final long limit;

    public TooManyConnectionsRule(Thresholds t) {
        limit = t.get("limit", 6);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (r.role() != Role.CLIENT || r.concurrentAtOpen() <= limit) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id() + " was connection number " + r.concurrentAtOpen()
            + " open at once to this destination (limit " + limit + ").", "Bound the pool per host (e.g."
            + " http.maxConnections for HttpURLConnection, a connection pool's max per route) and reuse connections;"
            + " many parallel connections waste handshakes and can overload the server.");
    }
}
