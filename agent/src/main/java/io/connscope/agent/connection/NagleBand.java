package io.connscope.agent.connection;

import java.util.concurrent.TimeUnit;

/**
 * What counts as a Nagle stall: writes of at most {@link #smallWriteBytes()} bytes, answered within
 * the delayed-ACK band. Linux holds an ACK at least 40 ms, other systems up to 200 ms, and the answer
 * adds its own time. Built once from the nagle-delayed-ack rule's settings; every connection's
 * {@link NagleEvidence} and both Nagle rules share it.
 */
public final class NagleBand {

    public static final NagleBand DEFAULT =
        new NagleBand(1460, TimeUnit.MILLISECONDS.toNanos(36), TimeUnit.MILLISECONDS.toNanos(250));

    private final int smallWriteBytes;
    private final long minNanos;
    private final long maxNanos;

    public NagleBand(int smallWriteBytes, long minNanos, long maxNanos) {
        this.smallWriteBytes = smallWriteBytes;
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
    }

    /** Writes larger than this end a burst of small writes. */
    public int smallWriteBytes() {
        return smallWriteBytes;
    }

    public long minNanos() {
        return minNanos;
    }

    public long maxNanos() {
        return maxNanos;
    }

    boolean contains(long waitNanos) {
        return waitNanos >= minNanos && waitNanos <= maxNanos;
    }

    /** "(36–250 ms)" */
    @Override
    public String toString() {
        return "(" + TimeUnit.NANOSECONDS.toMillis(minNanos) + "–" + TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms)";
    }
}
