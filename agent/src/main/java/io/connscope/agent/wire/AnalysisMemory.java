package io.connscope.agent.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one budget for the bytes that all connections' wire analysis holds at once: HTTP/1.x heads
 * in flight, HTTP/2 header blocks in flight, HPACK dynamic tables and their decoding scratch. Each
 * connection bounds its own buffers, but a peer that opens thousands of connections and leaves a
 * head unfinished on each would still fill the heap; this bounds the sum.
 *
 * <p>A connection takes a {@link Lease}. When a buffer would take the budget past its limit, the
 * reservation is refused, that connection's analysis stops (it is counted once), and its bytes,
 * timings and close are still followed. Reserving and releasing are lock-free and allocation-free,
 * and happen only when a buffer grows or is let go: while a message head is in flight.
 */
public final class AnalysisMemory {

    /** Why a connection's analysis stopped when the budget refused it room. */
    public static final String SPENT = "connscope's analysis memory budget was spent";

    private static final VarHandle USED;
    private static final VarHandle PEAK;
    private static final VarHandle REFUSED;
    private static final VarHandle HELD;
    private static final VarHandle REFUSED_ONCE;
    /** A lease's held count once closed: it takes nothing more. */
    private static final long CLOSED = Long.MIN_VALUE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            USED = l.findVarHandle(AnalysisMemory.class, "used", long.class);
            PEAK = l.findVarHandle(AnalysisMemory.class, "peak", long.class);
            REFUSED = l.findVarHandle(AnalysisMemory.class, "refused", long.class);
            HELD = l.findVarHandle(Lease.class, "held", long.class);
            REFUSED_ONCE = l.findVarHandle(Lease.class, "refusedOnce", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long limit;
    private volatile long used;
    private volatile long peak;
    private volatile long refused;

    public AnalysisMemory(long limitBytes) {
        this.limit = limitBytes;
    }

    /** A budget that refuses nothing, for tests of the analysis itself. */
    public static AnalysisMemory unlimited() {
        return new AnalysisMemory(Long.MAX_VALUE / 2);
    }

    /** The budget's share for one new connection. */
    public Lease lease() {
        return new Lease();
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now by every connection's analysis. */
    public long used() {
        return used;
    }

    /** The most ever held at once. */
    public long peak() {
        return peak;
    }

    /** Connections whose analysis stopped because the budget was spent. */
    public long refusedConnections() {
        return refused;
    }

    /** One connection's share: what it holds, returned in full when it ends. */
    public final class Lease {

        /** Bytes this connection holds, or {@link #CLOSED}. */
        private volatile long held;
        private volatile boolean refusedOnce;

        Lease() {
        }

        /**
         * Whether the budget has room for {@code bytes} now, without taking them: a new message head is
         * admitted so, and is charged only if it is kept between calls. False (and the connection refused)
         * when it has not, so that a spent budget admits no new analysis, as {@link #reserve} would not.
         */
        public boolean admits(long bytes) {
            if (refusedOnce) {
                return false;
            }
            if (used + bytes > limit) {
                refuse();
                return false;
            }
            return true;
        }

        /**
         * Takes {@code bytes} from the budget for a buffer about to grow; false when that would pass
         * the limit (the connection's analysis must then stop) or the lease is closed.
         */
        public boolean reserve(long bytes) {
            if (refusedOnce) {
                return false;
            }
            long u;
            long now;
            do {
                u = used;
                now = u + bytes;
                if (now > limit) {
                    refuse();
                    return false;
                }
            } while (!USED.compareAndSet(AnalysisMemory.this, u, now));
            while (true) {
                long h = held;
                if (h == CLOSED) {
                    USED.getAndAdd(AnalysisMemory.this, -bytes);
                    return false;
                }
                if (HELD.compareAndSet(this, h, h + bytes)) {
                    break;
                }
            }
            long p = peak;
            while (now > p && !PEAK.compareAndSet(AnalysisMemory.this, p, now)) {
                p = peak;
            }
            return true;
        }

        private void refuse() {
            if (REFUSED_ONCE.compareAndSet(this, false, true)) { // both directions may be refused at once
                REFUSED.getAndAdd(AnalysisMemory.this, 1L);
            }
        }

        /** Gives back {@code bytes} of a buffer that was let go. */
        public void release(long bytes) {
            while (true) {
                long h = held;
                if (h == CLOSED) {
                    return; // everything went back at close
                }
                if (HELD.compareAndSet(this, h, h - bytes)) {
                    USED.getAndAdd(AnalysisMemory.this, -bytes);
                    return;
                }
            }
        }

        /** Bytes this lease holds now (negative once closed), for tests of the accounting. */
        public long held() {
            return held;
        }

        /** The budget refused this connection: its analysis stopped. */
        public boolean refused() {
            return refusedOnce;
        }

        /** The connection ended: everything it holds goes back, and it takes nothing more. */
        public void close() {
            long h = (long) HELD.getAndSet(this, CLOSED);
            if (h != CLOSED) {
                USED.getAndAdd(AnalysisMemory.this, -h);
            }
        }
    }
}
