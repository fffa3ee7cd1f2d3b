package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameResolution;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A hint: the JDK keeps name look-ups for ever ({@code networkaddress.cache.ttl=-1}, or a security
 * manager with no TTL set on JDK 17), and a client still connects to an address of an answer its
 * resolver gave long ago.
 * connscope cannot see the name's DNS TTL, so it claims only what it sees: this JVM will never ask
 * again, whatever the name's records say now. Once per name.
 */
public final class NameCachedForeverRule implements ConnectionRule {

    public static final String ID = "name-cached-forever";
    private static final int MAX_NAMES = 512;

    private final long runNanos;
    /** Names already hinted at; the pipeline thread's only. */
    private final Set<String> told = new HashSet<>();

    public NameCachedForeverRule(Thresholds t) {
        runNanos = TimeUnit.MILLISECONDS.toNanos(t.get("run.ms", 600_000));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        NameResolution n = r.resolution();
        // The connection's address must be in the answer the JDK's resolver gave: another resolver's (Netty's, an
        // application's own) keeps its own time.
        if (n == null || !n.cachedForever || n.answerNanos == 0L || n.addressIndex == 0
            || r.openNanos() - n.answerNanos < runNanos || told.size() >= MAX_NAMES
            || !told.add(n.name.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return new Warning(ID, Severity.INFO, "this JVM keeps name look-ups for ever (its address cache policy is -1):"
            + " connection " + r.id() + " went to " + r.peerAddress() + " by an answer for " + n.name + " looked up "
            + Describe.millis(r.openNanos() - n.answerNanos) + " before (answer: " + Describe.addresses(n)
            + "), and the JVM will not ask again. If the name's records change (a failover, a blue/green switch, a"
            + " load balancer's new addresses), its connections will not follow. connscope cannot see the name's DNS"
            + " TTL: this is a hint.", "Set networkaddress.cache.ttl (in java.security, or -Dsun.net.inetaddr.ttl) to"
                + " about the names' DNS TTL, e.g. 30 or 60 seconds, unless the names are known never to change.");
    }
}
