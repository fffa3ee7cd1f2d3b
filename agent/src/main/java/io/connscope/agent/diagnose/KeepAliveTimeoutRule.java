package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import java.util.concurrent.TimeUnit;

/** Reuse of a connection that sat idle longer than the server's advertised Keep-Alive timeout. */
public final class KeepAliveTimeoutRule implements ExchangeRule {

    public static final String ID = "reuse-after-keepalive-timeout";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        long timeout = e.keepAliveTimeoutSeconds();
        if (e.idleBeforeNanos() < 0 || timeout < 0 || e.idleBeforeNanos() <= TimeUnit.SECONDS.toNanos(timeout)) {
            return null;
        }
        String evidence = Describe.request(e) + " reused connection " + r.id() + " after "
            + Describe.millis(e.idleBeforeNanos()) + " idle; the server had advertised Keep-Alive: timeout=" + timeout
            + " (" + TimeUnit.SECONDS.toMillis(timeout) + " ms) and may already have closed it.";
        return new Warning(ID, Severity.WARN, evidence,
            "Evict pooled connections before the server's advertised timeout (less a safety margin), or validate"
                + " idle connections before reuse.");
    }
}
