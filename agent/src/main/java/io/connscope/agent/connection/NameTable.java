package io.connscope.agent.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The look-ups the resolver answered, per name: how many, how long, how many failed, and how often
 * the answer changed. Bounded: past {@link #MAX_NAMES} names, look-ups of new names are only counted.
 */
public final class NameTable {

    public static final int MAX_NAMES = 512;

    private final ConcurrentHashMap<String, NameStats> byName = new ConcurrentHashMap<>();
    private final AtomicLong untracked = new AtomicLong();

    void record(NameLookup lookup) {
        String key = lookup.name.toLowerCase(Locale.ROOT);
        NameStats s = byName.get(key);
        if (s == null) {
            if (byName.size() >= MAX_NAMES) {
                untracked.incrementAndGet();
                return;
            }
            s = byName.computeIfAbsent(key, NameStats::new);
        }
        s.add(lookup);
    }

    /** The name's latest successful answer, or null. */
    NameLookup lastAnswer(String name) {
        NameStats s = byName.get(name.toLowerCase(Locale.ROOT));
        return s == null ? null : s.lastAnswer();
    }

    /** Every name's figures, as they stand. */
    public List<NameStats> names() {
        return new ArrayList<>(byName.values());
    }

    /** Look-ups of names past the table's bound, counted only. */
    public long untracked() {
        return untracked.get();
    }

    /** One name's look-ups. Updated under its own lock: look-ups are rare next to reads and writes, and slow. */
    public static final class NameStats {
        public final String name;
        private long lookups;
        private long failures;
        private long totalNanos;
        private long maxNanos;
        private long changes;
        private NameLookup lastAnswer;

        NameStats(String name) {
            this.name = name;
        }

        synchronized void add(NameLookup l) {
            lookups++;
            totalNanos += l.durationNanos();
            maxNanos = Math.max(maxNanos, l.durationNanos());
            if (l.error != null) {
                failures++;
                return;
            }
            if (lastAnswer != null && !sameAddresses(lastAnswer, l)) {
                changes++;
            }
            lastAnswer = l;
        }

        /** The same set of addresses (their order may rotate: round-robin DNS is not a change). */
        private static boolean sameAddresses(NameLookup a, NameLookup b) {
            return a.addressCount == b.addressCount && a.addresses.containsAll(b.addresses)
                && b.addresses.containsAll(a.addresses);
        }

        synchronized NameLookup lastAnswer() {
            return lastAnswer;
        }

        /** lookups, failures, total ns, max ns, answer changes. */
        public synchronized long[] figures() {
            return new long[] {lookups, failures, totalNanos, maxNanos, changes};
        }

        public synchronized List<String> addresses() {
            return lastAnswer == null ? List.of() : lastAnswer.addresses;
        }
    }
}
