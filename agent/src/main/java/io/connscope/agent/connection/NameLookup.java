package io.connscope.agent.connection;

import java.util.List;

/**
 * One look-up the JDK's resolver answered (its cache missed): the name, the addresses in the order
 * returned (at most {@link #MAX_ADDRESSES}), or the failure's class, and when it ran.
 */
public final class NameLookup {

    /** Addresses kept per answer: a name with more is told by its first ones and its count. */
    static final int MAX_ADDRESSES = 16;

    public final String name;
    /** The answer, in the resolver's order (the order clients try them); empty on a failure. */
    public final List<String> addresses;
    /** How many addresses the answer held (more than {@link #addresses} holds past the cap). */
    public final int addressCount;
    /** The failure's exception class, or null. */
    public final String error;
    public final long startNanos;
    public final long endNanos;

    NameLookup(String name, List<String> addresses, int addressCount, String error, long startNanos, long endNanos) {
        this.name = name;
        this.addresses = addresses;
        this.addressCount = addressCount;
        this.error = error;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }
}
