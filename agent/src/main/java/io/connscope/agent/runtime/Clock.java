package io.connscope.agent.runtime;

import java.time.Instant;

/** Converts System.nanoTime() readings taken on application threads to epoch nanoseconds for export. */
public final class Clock {

    private final long anchorEpochNanos;
    private final long anchorNanoTime;

    public Clock() {
        Instant now = Instant.now();
        this.anchorNanoTime = System.nanoTime();
        this.anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public long epochNanos(long nanoTime) {
        return anchorEpochNanos + (nanoTime - anchorNanoTime);
    }
}
