package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameResolution;
import java.util.concurrent.TimeUnit;

/**
 * A connect that waited for a slow name look-up: the JDK's resolver (its cache missed) took longer
 * than the threshold on the connecting thread just before the connect. That time is the
 * connection's, though no connect or TLS timer shows it.
 */
public final class SlowNameResolutionRule implements ConnectionRule {

    public static final String ID = "slow-name-resolution";

    private final long lookupNanos;

    public SlowNameResolutionRule(Thresholds t) {
        lookupNanos = TimeUnit.MILLISECONDS.toNanos(t.get("lookup.ms", 100));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        NameResolution n = r.resolution();
        if (n == null || n.lookupNanos < lookupNanos) {
            return null;
        }
        String connect = r.connectError() != null ? "the connect then failed (" + r.connectError() + ")"
            : r.connectEndNanos() == 0L ? "the connect did not finish"
            : "the connect itself then took " + Describe.millis(r.connectEndNanos() - r.openNanos());
        return new Warning(ID, Severity.WARN, "resolving " + n.name + " took " + Describe.millis(n.lookupNanos)
            + " just before connection " + r.id() + " connected to it (threshold " + Describe.millis(lookupNanos)
            + "; answer: " + Describe.addresses(n) + "); " + connect + ".",
            "Check the resolver this host uses (/etc/resolv.conf: an unreachable first nameserver, search domains and"
                + " ndots that make every name several queries); reuse connections so fewer connects need a name;"
                + " the JVM keeps answers for networkaddress.cache.ttl seconds (30 by default).");
    }
}
