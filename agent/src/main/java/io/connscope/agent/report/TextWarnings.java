package io.connscope.agent.report;

import io.connscope.agent.diagnose.Impact;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.text.SafeText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text report's warnings, most harmful first: by {@link Impact} (lost or duplicated data first),
 * WARN before INFO, then the rules seen most often; one entry per rule and destination, with the
 * evidence of its first occurrence and its fix. A fix already printed (the same advice at another
 * destination) is referred to, not repeated.
 */
final class TextWarnings {

    private static final String FIRST = "       first: ";
    private static final String FIX = "       fix:   ";
    private static final String MORE = "              ";

    private TextWarnings() {
    }

    /** The warning groups in the order the reports list them. */
    static List<WarningLog.Group> ordered(List<WarningLog.Group> groups) {
        Map<String, Long> perRule = new HashMap<>();
        for (WarningLog.Group g : groups) {
            perRule.merge(g.rule, g.count(), Long::sum);
        }
        List<WarningLog.Group> out = new ArrayList<>(groups);
        out.sort(Comparator.comparing((WarningLog.Group g) -> Impact.of(g.rule))
            .thenComparing(g -> g.severity == Severity.WARN ? 0 : 1)
            .thenComparing(g -> -perRule.get(g.rule))
            .thenComparing(g -> g.rule)
            .thenComparing(g -> -g.count())
            .thenComparing(g -> g.destination));
        return out;
    }

    static void write(ReportSection out, List<WarningLog.Group> groups, int width) {
        if (groups.isEmpty()) {
            out.heading("\nWarnings\n  (none)\n");
            return;
        }
        out.heading("\nWarnings, most harmful first\n");
        Map<String, String> fixesPrinted = new LinkedHashMap<>();
        Impact impact = null;
        for (WarningLog.Group g : ordered(groups)) {
            StringBuilder entry = new StringBuilder();
            if (Impact.of(g.rule) != impact) {
                impact = Impact.of(g.rule);
                entry.append("  [").append(impact.label()).append("]\n");
            }
            String destination = SafeText.of(g.destination, Warning.MAX_TEXT);
            entry.append(String.format(Locale.ROOT, "  %-4s %s at %s, %d time(s)%s%n", g.severity, g.rule, destination,
                g.count(), g.suppressed() == 0 ? "" : " (" + g.suppressed() + " beyond the rate limit not exported)"));
            entry.append(TextWrap.wrap(FIRST, SafeText.of(g.firstEvidence, Warning.MAX_TEXT), MORE, width));
            String advice = SafeText.of(g.advice, Warning.MAX_TEXT);
            String where = fixesPrinted.get(advice);
            if (where == null) {
                entry.append(TextWrap.wrap(FIX, advice, MORE, width));
                fixesPrinted.put(advice, g.rule + " at " + destination);
            } else {
                entry.append(TextWrap.wrap(FIX, "as for " + where + " above", MORE, width));
            }
            out.add(entry.toString());
        }
        out.close("warning groups");
    }
}
