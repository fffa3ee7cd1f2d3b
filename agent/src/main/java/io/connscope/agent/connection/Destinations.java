package io.connscope.agent.connection;

import io.connscope.agent.text.SafeText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The destinations seen so far. Bounded: past the limit, new destinations share one "(other)"
 * entry per role, and the report says so.
 */
public final class Destinations {

    public static final String OTHER = "(other)";
    /** Longer than any DNS name (253) or IPv6 literal with a zone. */
    public static final int MAX_HOST = 255;

    private final ConcurrentHashMap<String, Destination> byKey = new ConcurrentHashMap<>();
    private final int limit;
    /** Places taken in {@link #byKey}, never more than the limit. */
    private final AtomicInteger taken = new AtomicInteger();
    private final Destination otherClient;
    private final Destination otherServer;

    public Destinations(int limit) {
        this.limit = limit;
        this.otherClient = new Destination(Role.CLIENT, OTHER, 0, OTHER + " client", new DestinationStats());
        this.otherServer = new Destination(Role.SERVER, null, 0, OTHER + " server", new DestinationStats());
    }

    /**
     * The destination of a connection. The host name is the application's (or a peer's, for a proxy),
     * so it is escaped and cut to {@link #MAX_HOST} characters before it is kept or shown anywhere.
     */
    public Destination of(Role role, String host, int port) {
        String serverAddress = SafeText.of(host, MAX_HOST);
        String key = Destination.keyOf(role, serverAddress, port);
        Destination d = byKey.get(key);
        if (d != null) {
            return d;
        }
        // A place is taken before the destination is added, so that threads meeting new destinations at
        // the same time cannot together go past the limit.
        if (taken.incrementAndGet() > limit) {
            taken.decrementAndGet();
            Destination added = byKey.get(key);
            return added != null ? added : role == Role.CLIENT ? otherClient : otherServer;
        }
        Destination fresh = new Destination(role, serverAddress, port, key, new DestinationStats());
        Destination earlier = byKey.putIfAbsent(key, fresh);
        if (earlier != null) {
            taken.decrementAndGet(); // another thread added it first
            return earlier;
        }
        return fresh;
    }

    /** The destination already met under this role, host and port, or null: it is not added. */
    public Destination existing(Role role, String host, int port) {
        return byKey.get(Destination.keyOf(role, SafeText.of(host, MAX_HOST), port));
    }

    /** Every destination, the overflow entries last when they were used. */
    public Collection<Destination> all() {
        List<Destination> out = new ArrayList<>(byKey.values());
        for (Destination other : new Destination[] {otherClient, otherServer}) {
            if (other.stats.opened.get() + other.stats.connectFailures.get() > 0) {
                out.add(other);
            }
        }
        return out;
    }

    public boolean overflowed() {
        return otherClient.stats.opened.get() + otherClient.stats.connectFailures.get()
            + otherServer.stats.opened.get() > 0;
    }

    public int limit() {
        return limit;
    }
}
