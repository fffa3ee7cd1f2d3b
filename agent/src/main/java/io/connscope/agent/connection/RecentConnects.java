package io.connscope.agent.connection;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When a destination's latest outbound connections were established, in a ring of a fixed size: enough
 * to say how many new connections opened while one of its connections sat unused, without keeping every
 * time. Written at each established outbound connect (not a read or write path), read by the rules.
 */
public final class RecentConnects {

    public static final int SIZE = 64;

    private final AtomicLongArray times = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();

    void add(long nanos) {
        times.set((int) (count.getAndIncrement() % SIZE), nanos);
    }

    /** How many of the connections kept opened after {@code fromNanos} and up to {@code toNanos}. */
    public long between(long fromNanos, long toNanos) {
        long n = 0;
        for (int i = 0; i < SIZE; i++) {
            long t = times.get(i);
            if (t != 0L && t - fromNanos > 0 && t - toNanos <= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether every connection opened after {@code fromNanos} is still kept: false once the ring has let
     * go of one, when {@link #between} is only a lower bound.
     */
    public boolean keptSince(long fromNanos) {
        if (count.get() <= SIZE) {
            return true;
        }
        for (int i = 0; i < SIZE; i++) {
            if (times.get(i) - fromNanos <= 0) {
                return true; // the ring still holds one from before: none after was let go of
            }
        }
        return false;
    }
}
