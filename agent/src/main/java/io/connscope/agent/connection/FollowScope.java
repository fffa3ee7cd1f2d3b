package io.connscope.agent.connection;

import io.connscope.agent.config.FollowRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a connection starting now is followed: not when it goes to a telemetry collector, nor when
 * the operator's rules leave it out. Asked once per connect, accept or adopted socket, never on a
 * read or a write; each connection left out is counted, so the report can say how many.
 */
public final class FollowScope {

    private final TelemetryEndpoints collectors;
    private final FollowRules rules;
    private final AtomicLong excluded = new AtomicLong();

    public FollowScope(TelemetryEndpoints collectors, FollowRules rules) {
        this.collectors = collectors;
        this.rules = rules;
    }

    /** Whether an outbound connection to {@code target} (null when unknown) is followed. */
    boolean followsClient(InetSocketAddress target) {
        if (target == null) {
            return true;
        }
        if (collectors.isCollector(target)) {
            return false;
        }
        if (rules.followsAll() || rules.followsDestination(target.getHostString(), target.getAddress(), target.getPort())) {
            return true;
        }
        excluded.incrementAndGet();
        return false;
    }

    /** Whether a name look-up is followed (see {@link FollowRules#followsName}); not counted as an excluded connection. */
    boolean followsName(String host, InetAddress[] addresses) {
        return rules.followsAll() || rules.followsName(host, addresses);
    }

    /** Whether a connection accepted on {@code listeningPort} is followed. */
    boolean followsServer(int listeningPort) {
        if (rules.followsAll() || rules.followsListeningPort(listeningPort)) {
            return true;
        }
        excluded.incrementAndGet();
        return false;
    }

    /** Connections to telemetry collectors, not followed. */
    long collectorsIgnored() {
        return collectors.ignored();
    }

    /** Connections the rules left out. */
    long excluded() {
        return excluded.get();
    }
}
