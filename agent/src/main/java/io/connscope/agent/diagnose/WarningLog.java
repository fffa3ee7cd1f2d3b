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
 * only counted.
 */
public final class WarningLog {

    /** One rule at one destination. */
    public static final class Group {
        public final String rule;
        public final Severity severity;
        public final String destination;
        public final String firstEvidence;
        public final String advice;
        private final AtomicLong count = new AtomicLong();

        Group(Warning w, String destination) {
            this.rule = w.rule;
            this.severity = w.severity;
            this.destination = destination;
            this.firstEvidence = w.evidence;
            this.advice = w.advice;
        }

        public long count() {
            return count.get();
        }
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byRule = new ConcurrentHashMap<>();
    private final int maxGroups;
    private final AtomicLong ungrouped = new AtomicLong();

    public WarningLog(int maxGroups) {
        this.maxGroups = maxGroups;
    }

    void add(Destination d, Warning w) {
        byRule.computeIfAbsent(w.rule, k -> new AtomicLong()).incrementAndGet();
        String key = w.rule + ' ' + d.key;
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= maxGroups) {
                ungrouped.incrementAndGet();
                return;
            }
            g = groups.computeIfAbsent(key, k -> new Group(w, d.key));
        }
        g.count.incrementAndGet();
    }

    /** Groups, warnings before infos, then by rule and destination. */
    public List<Group> groups() {
        List<Group> list = new ArrayList<>(groups.values());
        list.sort(Comparator.comparing((Group g) -> g.severity == Severity.WARN ? 0 : 1)
            .thenComparing(g -> g.rule).thenComparing(g -> g.destination));
        return list;
    }

    /** Warnings raised so far, by rule id. */
    public Map<String, AtomicLong> byRule() {
        return byRule;
    }

    /** Warnings counted but not grouped because {@code maxGroups} groups existed. */
    public long ungrouped() {
        return ungrouped.get();
    }
}
