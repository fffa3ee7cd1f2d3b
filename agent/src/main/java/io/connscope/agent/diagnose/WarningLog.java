package io.connscope.agent.diagnose;

import io.connscope.agent.connection.Destination;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every warning raised, for the exit report: grouped by rule and destination, each group with its
 * count and the evidence of its first occurrence. Bounded: groups beyond {@code maxGroups} are
 * only counted. It also rate-limits what is exported: at most {@code perMinute} warnings of a group
 * per minute become log records and span events, so a hot loop cannot flood the logs; the rest are
 * counted here.
 */
public final class WarningLog {

    /** One rule at one destination. */
    public static final class Group {
        public final String rule;
        public final Severity severity;
        public final String destination;
        /** The destination itself, for the metric's attributes. */
        public final Destination target;
        public final String firstEvidence;
        public final String advice;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong suppressed = new AtomicLong();
        private final AtomicLong windowStart = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong inWindow = new AtomicLong();

        Group(Warning w, Destination target) {
            this.rule = w.rule;
            this.severity = w.severity;
            this.destination = target.key;
            this.target = target;
            this.firstEvidence = w.evidence;
            this.advice = w.advice;
        }

        public long count() {
            return count.get();
        }

        /** Occurrences beyond the rate limit: counted, not exported. */
        public long suppressed() {
            return suppressed.get();
        }

        /** Whether this occurrence is within the group's per-minute export allowance. */
        boolean allow(long now, long perMinute) {
            long start = windowStart.get();
            if (start == Long.MIN_VALUE || now - start >= MINUTE_NANOS) {
                if (windowStart.compareAndSet(start, now)) {
                    inWindow.set(0);
                }
            }
            if (inWindow.incrementAndGet() <= perMinute) {
                return true;
            }
            suppressed.incrementAndGet();
            return false;
        }
    }

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    /** Per rule, the warnings counted beyond maxGroups, which belong to no group. */
    private final Map<String, AtomicLong> ungroupedByRule = new ConcurrentHashMap<>();
    private final int maxGroups;
    private final long perMinute;

    public WarningLog(int maxGroups, long perMinute) {
        this.maxGroups = maxGroups;
        this.perMinute = perMinute;
    }

    /** Counts a warning; true when it is within its group's rate limit and should be exported. */
    public boolean add(Destination d, Warning w, long now) {
        String key = w.rule + ' ' + d.key;
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= maxGroups) {
                ungroupedByRule.computeIfAbsent(w.rule, k -> new AtomicLong()).incrementAndGet();
                return false;
            }
            g = groups.computeIfAbsent(key, k -> new Group(w, d));
        }
        g.count.incrementAndGet();
        return g.allow(now, perMinute);
    }

    /** Warnings not exported because of the rate limit, over all groups. */
    public long suppressed() {
        long n = 0;
        for (Group g : groups.values()) {
            n += g.suppressed();
        }
        return n;
    }

    /** Groups, warnings before infos, then by rule and destination. */
    public List<Group> groups() {
        List<Group> list = new ArrayList<>(groups.values());
        list.sort(Comparator.comparing((Group g) -> g.severity == Severity.WARN ? 0 : 1)
            .thenComparing(g -> g.rule).thenComparing(g -> g.destination));
        return list;
    }

    /** Per rule, the warnings counted but not grouped because {@code maxGroups} groups existed. */
    public Map<String, AtomicLong> ungroupedByRule() {
        return ungroupedByRule;
    }

    /** Warnings counted but not grouped because {@code maxGroups} groups existed. */
    public long ungrouped() {
        long n = 0;
        for (AtomicLong c : ungroupedByRule.values()) {
            n += c.get();
        }
        return n;
    }
}
