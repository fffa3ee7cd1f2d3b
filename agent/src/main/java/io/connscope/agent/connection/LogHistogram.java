package io.connscope.agent.connection;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, lock-free histogram of durations from 1 µs to about 1 hour with 16 buckets per
 * power of two (at most 4.4 % relative error). Quantiles are reported as the upper bound of the
 * bucket that holds them. Bounded memory: 36 powers × 16 buckets of longs.
 */
public final class LogHistogram {

    private static final int SUB_BUCKETS = 16;
    private static final int POWERS = 36;
    private static final long MIN_NANOS = 1_000L;
    private final AtomicLongArray counts = new AtomicLongArray(SUB_BUCKETS * POWERS);

    public void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The q-quantile (0 &lt; q ≤ 1) in nanoseconds, or -1 when empty. */
    public long quantileNanos(double q) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(counts.length() - 1);
    }

    static int bucket(long nanos) {
        double ratio = Math.max(1.0, (double) nanos / MIN_NANOS);
        int index = (int) Math.floor(Math.log(ratio) / Math.log(2) * SUB_BUCKETS);
        return Math.min(Math.max(index, 0), SUB_BUCKETS * POWERS - 1);
    }

    static long upperBound(int bucket) {
        return (long) Math.ceil(MIN_NANOS * Math.pow(2, (bucket + 1) / (double) SUB_BUCKETS));
    }
}
