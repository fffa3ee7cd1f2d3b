package io.connscope.agent.connection;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One destination's share of call-site captures: at most a set number per second (windows of 2^30 ns,
 * about 1.07 s), and the latest site captured, which the connections beyond the budget are given
 * as their probable site. A connect-time stack walk costs about 17 µs, more than the rest of a
 * connection's tracking; a client that opens a connection per request would pay it thousands of
 * times a second for the same few sites.
 *
 * <p>The window is reset without a lock: two threads crossing into a new window together can
 * let a few more captures through, never fewer.
 */
final class CallSiteBudget {

    private volatile long window = -1;
    private final AtomicInteger taken = new AtomicInteger();
    /** The latest site captured for this destination, or null. */
    volatile String latest;

    /** Whether a capture at {@code nowNanos} fits in the budget of {@code perWindow}, and takes it if so. */
    boolean take(long nowNanos, int perWindow) {
        long w = nowNanos >>> 30;
        if (w != window) {
            window = w;
            taken.set(0);
        }
        return taken.get() < perWindow && taken.incrementAndGet() <= perWindow;
    }
}
