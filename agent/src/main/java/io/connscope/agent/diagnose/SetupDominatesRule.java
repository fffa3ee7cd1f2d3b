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
 * avoidable new connections (each carried a single request), each adding at least {@code saving.ms} and at least {@code percent} %
 * of a request's own time (see {@link ReusePrice}). Checked as its outbound HTTP connections end;
 * fires once per destination, on the connection that crossed the line.
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
        String compared = p.measured
            ? String.format(Locale.ROOT, "and %s on a reused one, from its request (%d such): reusing would have saved about"
                + " %s per request (%d%% of a reused request's time)", ReusePrice.millis(p.reusedMeanNanos),
                p.reusedExchanges, ReusePrice.millis(p.savingPerRequestNanos), percentOf(p))
            : String.format(Locale.ROOT, "and no request reused a connection to compare with (%d did): the setup alone, %s"
                + " per request (%d%% of the request's own time after it), would have been saved", p.reusedExchanges,
                ReusePrice.millis(p.savingPerRequestNanos), percentOf(p));
        String evidence = String.format(Locale.ROOT, "%d requests to this destination went on new connections, %d"
            + " connection(s) carried a single request, and at most %d were open to it at once, so %d could have reused"
            + " one. A request on a new connection took %s, counted from its connect's start, of which %s passed before the"
            + " request could be sent (connect %s, TLS handshake %s), %s; %s in all so far.", p.newExchanges,
            p.singleRequest, p.peakOpen, p.avoidable,
            ReusePrice.millis(p.newMeanNanos), ReusePrice.millis(p.setupMeanNanos), ReusePrice.millis(p.connectMeanNanos),
            p.tlsTotalNanos == 0 ? "none" : ReusePrice.millis(p.tlsMeanNanos), compared,
            ReusePrice.seconds(p.savingTotalNanos));
        return new Warning(ID, Severity.WARN, evidence, "Reuse connections: one client and its pool for every request to"
            + " this destination, HTTP keep-alive on, each response body read to its end so its connection goes back to"
            + " the pool; setup is then paid once per pooled connection, not per request.");
    }

    private static long percentOf(ReusePrice p) {
        return p.requestNanos() == 0 ? 0 : Math.round(100.0 * p.savingPerRequestNanos / p.requestNanos());
    }
}
