package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Connection churn towards port exhaustion: outbound connections that this side closes first each
 * leave a local port in TIME_WAIT for 60 s. When they are opened faster than a share of the local
 * port range per 60 s, the range runs out. Fires at most once per destination per window.
 */
public final class ConnectionChurnRule implements ConnectionRule {

    public static final String ID = "connection-churn";

    private final long windowNanos;
    private final long percent;
    private final int ports;
    /** Per destination: the closes in the current window and when it started. Export thread only. */
    private final Map<Destination, long[]> windows = new HashMap<>();

    public ConnectionChurnRule(Thresholds t) {
        windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, t.get("window.ms", 10_000)));
        percent = t.get("percent", 10);
        ports = LocalPorts.count();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        CloseClassification how = r.classification();
        boolean closedHereFirst = how == CloseClassification.LOCAL_CLOSE || how == CloseClassification.GRACEFUL;
        if (r.role() != Role.CLIENT || !closedHereFirst || r.connectError() != null) {
            return null;
        }
        long[] w = windows.computeIfAbsent(r.destination(), d -> new long[] {r.endNanos(), 0, 0});
        if (r.endNanos() - w[0] >= windowNanos) {
            w[0] = r.endNanos();
            w[1] = 0;
            w[2] = 0;
        }
        w[1]++;
        // The rate so far in this window, over at least one second so that a short burst does not count as a rate.
        long elapsed = Math.max(r.endNanos() - w[0], TimeUnit.SECONDS.toNanos(1));
        double perSecond = w[1] * 1e9 / elapsed;
        double limit = ports / (double) LocalPorts.TIME_WAIT_SECONDS;
        if (w[2] != 0 || perSecond * 100 < limit * percent) {
            return null;
        }
        w[2] = 1;
        String evidence = String.format(Locale.ROOT, "%d connections to this destination closed by this side first within"
            + " %d ms (at least %.0f/s); each holds its local port in TIME_WAIT for %d s, and %d local ports"
            + " last %.0f s at this rate (this rule fires at %d%% of %.0f/s). %s.", w[1],
            TimeUnit.NANOSECONDS.toMillis(r.endNanos() - w[0]), perSecond, LocalPorts.TIME_WAIT_SECONDS, ports, ports / perSecond, percent,
            limit, LocalPorts.describe());
        return new Warning(ID, Severity.WARN, evidence, "Reuse connections (HTTP keep-alive, a pool); if the peer must"
            + " close, let it close first so TIME_WAIT lands on its side.");
    }
}
