package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A destination whose requests pay for new connections more than they pay for themselves: enough
 * avoidable new connections (closed by the client right after their one request), each paying a
 * setup of at least {@code saving.ms} before its request, and at least {@code percent} % of the time
 * the request then took on that same connection (see {@link ReusePrice}). Checked as its outbound
 * HTTP connections end; fires once per destination, on the connection that crossed the line.
 */
public final class SetupDominatesRule implements ConnectionRule {

    public static final String ID = "setup-dominates";

    private final long connections;
    private final long savingNanos;
    private final long percent;
    /** Destinations already claimed. Export thread only; as bounded as the destinations. */
    private final Set<Destination> claimed = new HashSet<>();

    public SetupDominatesRule(Thresholds t) {
        connections = Math.max(1, t.get("connections", 5));
        savingNanos = TimeUnit.MILLISECONDS.toNanos(t.get("saving.ms", 20));
        percent = t.get("percent", 50);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (r.role() != Role.CLIENT || r.http() == null || claimed.contains(r.destination())) {
            return null;
        }
        ReusePrice p = ReusePrice.of(r.destination().stats.reuse);
        if (p == null || p.avoidable < connections || p.savingPerRequestNanos < savingNanos
            || p.savingPerRequestNanos * 100 < p.requestNanos() * percent) {
            return null;
        }
        claimed.add(r.destination());
        String evidence = String.format(Locale.ROOT, "%d requests to this destination went on new connections, %d of"
            + " them on connections the client closed right after their one request, and at most %d connection(s) were"
            + " open to it at once, so %d could have reused one. Each new connection paid %s on average before its"
            + " request could be sent (connect %s, TLS handshake %s), %d%% of the %s the request then took on it:"
            + " reusing would have saved at least %s per request, %s in all so far.", p.newExchanges, p.closedAfterOne,
            p.peakOpen, p.avoidable, ReusePrice.millis(p.setupMeanNanos), ReusePrice.millis(p.connectMeanNanos),
            p.tlsTotalNanos == 0 ? "none" : ReusePrice.millis(p.tlsMeanNanos), percentOf(p),
            ReusePrice.millis(p.requestNanos()), ReusePrice.millis(p.savingPerRequestNanos),
            ReusePrice.seconds(p.savingTotalNanos));
        return new Warning(ID, Severity.WARN, evidence, "Reuse connections: one client and its pool for every request to"
            + " this destination, HTTP keep-alive on, each response body read to its end so its connection goes back to"
            + " the pool; setup is then paid once per pooled connection, not per request.");
    }

    private static long percentOf(ReusePrice p) {
        return p.requestNanos() == 0 ? 0 : Math.round(100.0 * p.savingPerRequestNanos / p.requestNanos());
    }
}
