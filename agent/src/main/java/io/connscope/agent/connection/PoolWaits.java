package io.connscope.agent.connection;

import io.connscope.bridge.PoolBridge;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A destination's latest slow leases from a client library's connection pool, in a ring of a fixed
 * size: when each ended, how long it took, and whether it ended in the pool's timeout. Only leases of
 * at least {@link PoolBridge#MIN_WAIT_NANOS} are kept: a pool with a free connection hands one out in
 * microseconds, and Apache's check of a connection idle for a while (a read of at most 1 ms) stays well
 * under it.
 */
public final class PoolWaits {

    static final int SIZE = 64;
    /** The class Apache HttpClient 5 throws when its ConnectionRequestTimeout passed with no connection free. */
    static final String POOL_TIMEOUT = "org.apache.hc.core5.http.ConnectionRequestTimeoutException";

    private final AtomicLongArray ends = new AtomicLongArray(SIZE);
    /** The lease's time in nanoseconds, negative when it ended in the pool's timeout. */
    private final AtomicLongArray waits = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();

    void add(long endNanos, long waitNanos, String failure) {
        if (waitNanos < PoolBridge.MIN_WAIT_NANOS) {
            return;
        }
        int slot = (int) (count.getAndIncrement() % SIZE);
        waits.set(slot, POOL_TIMEOUT.equals(failure) ? -waitNanos : waitNanos);
        ends.set(slot, endNanos);
    }

    /** The slow leases that ended after {@code fromNanos} and up to {@code toNanos}. */
    public Summary between(long fromNanos, long toNanos) {
        int n = 0;
        int timedOut = 0;
        long total = 0;
        boolean keptAll = count.get() <= SIZE;
        for (int i = 0; i < SIZE; i++) {
            long end = ends.get(i);
            long wait = waits.get(i);
            keptAll |= end != 0L && end - fromNanos <= 0;
            if (end != 0L && end - fromNanos > 0 && end - toNanos <= 0) {
                n++;
                total += Math.abs(wait);
                timedOut += wait < 0 ? 1 : 0;
            }
        }
        return new Summary(n, total, timedOut, !keptAll);
    }

    /** Slow leases over a stretch of time. */
    public static final class Summary {
        public final int leases;
        public final long totalNanos;
        /** How many ended in the pool's timeout ({@link #POOL_TIMEOUT}). */
        public final int timedOut;
        /** The ring let go of some: the figures are lower bounds. */
        public final boolean more;

        Summary(int leases, long totalNanos, int timedOut, boolean more) {
            this.leases = leases;
            this.totalNanos = totalNanos;
            this.timedOut = timedOut;
            this.more = more;
        }
    }
}
