package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Housekeeping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When connections are described while they live: every interval, each connection open for at
 * least one interval gets a {@link ConnectionSnapshot}, the longest-lived first and at most
 * {@code max} of them (the rest are counted). Keeps, per connection until it ends, what a snapshot
 * needs that the record does not hold: its warnings so far and how many snapshots it had. Pipeline
 * thread only.
 */
public final class SnapshotSchedule {

    private final long intervalNanos;
    private final int max;
    private long nextNanos;
    /** Per connection with a warning or a snapshot so far: {warnings, snapshots}; removed when it ends. */
    private final Map<ConnectionRecord, long[]> kept = new HashMap<>();
    private final AtomicLong skipped = new AtomicLong();

    /** @param intervalMillis 0 for never */
    public SnapshotSchedule(long intervalMillis, int max, long nowNanos) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.max = max;
        this.nextNanos = nowNanos + intervalNanos;
    }

    public static SnapshotSchedule never() {
        return new SnapshotSchedule(0, 1, 0);
    }

    /** Counts an exchange's exported warnings towards its connection's snapshots. */
    void exchangeWarned(ConnectionRecord r, int warnings) {
        if (intervalNanos > 0 && warnings > 0) {
            kept.computeIfAbsent(r, k -> new long[2])[0] += warnings;
        }
    }

    void ended(ConnectionRecord r) {
        kept.remove(r);
    }

    /** The snapshots due at {@code now} among the open connections (empty between intervals, asking for none). */
    List<ConnectionSnapshot> due(long now, Housekeeping lifecycle) {
        if (intervalNanos <= 0 || now - nextNanos < 0) {
            return Collections.emptyList();
        }
        // At a fixed rate, not from this tick (the pipeline ticks every 100 ms): intervals late now and then do not
        // add up; a tick that missed whole intervals (a long pause) skips them.
        do {
            nextNanos += intervalNanos;
        } while (now - nextNanos >= 0);
        kept.keySet().removeIf(ConnectionRecord::isFinished); // an ended connection whose end was not seen here
        List<ConnectionRecord> old = new ArrayList<>();
        for (ConnectionRecord r : lifecycle.open()) {
            if (!r.isFinished() && now - r.openNanos() >= intervalNanos) {
                old.add(r);
            }
        }
        if (old.size() > max) {
            old.sort(Comparator.comparingLong(r -> r.openNanos() - now)); // the longest-lived first
            skipped.addAndGet(old.size() - max);
            old = old.subList(0, max);
        }
        List<ConnectionSnapshot> out = new ArrayList<>(old.size());
        for (ConnectionRecord r : old) {
            long[] k = kept.computeIfAbsent(r, key -> new long[2]);
            out.add(new ConnectionSnapshot(r, now, k[0], ++k[1]));
        }
        return out;
    }

    /** Snapshots left out because more than {@code max} connections were due at once. */
    public long skipped() {
        return skipped.get();
    }
}
