package io.connscope.agent.diagnose;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One rule's view of the {@code connscope.rule.<id>.<name>} settings. A rule reads its thresholds
 * when it is built, which is also how the catalog learns which settings exist: whatever nobody
 * read is reported as unknown.
 */
public final class Thresholds {

    private final String id;
    private final Map<String, String> settings;
    private final Set<String> read;
    private final List<String> problems;

    Thresholds(String id, Map<String, String> settings, Set<String> read, List<String> problems) {
        this.id = id;
        this.settings = settings;
        this.read = read;
        this.problems = problems;
    }

    /** A whole number ≥ 0 (milliseconds, bytes, counts); a bad value is reported and the default used. */
    public long get(String name, long defaultValue) {
        String value = lookup(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("setting connscope.rule." + id + "." + name + "='" + value + "' is not a whole number >= 0;"
            + " using the default " + defaultValue);
        return defaultValue;
    }

    /** A problem with settings that are each valid but do not fit together. */
    void problem(String name, String message) {
        problems.add("setting connscope.rule." + id + "." + name + ": " + message);
    }

    /** The rule's on/off switch, {@code connscope.rule.<id>.enabled}. */
    boolean enabled() {
        String value = lookup("enabled");
        if (value == null || value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        problems.add("setting connscope.rule." + id + ".enabled='" + value + "' is not true or false; the rule stays on");
        return true;
    }

    private String lookup(String name) {
        String key = normalize("connscope.rule." + id + "." + name);
        read.add(key);
        return settings.get(key);
    }

    /**
     * Setting keys compared with '-', '_' and '.' alike and case ignored, so that
     * {@code CONNSCOPE_RULE_NAGLE_DELAYED_ACK_BAND_MIN_MS} names {@code connscope.rule.nagle-delayed-ack.band.min.ms}.
     */
    static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
    }
}
