package io.connscope.agent.report;

import io.connscope.agent.connection.NameTable;
import io.connscope.agent.text.SafeText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Name resolution in the text report: each name the JDK's resolver looked up (its cache missed),
 * most time spent first: how many look-ups, their mean and longest time, the failures, how often the
 * answer changed (a rotation of the same addresses is no change), and the last answer.
 */
final class TextNameResolution {

    private static final int MAX_NAME = 200;

    private TextNameResolution() {
    }

    static void section(ReportSection out, NameTable names, int width) {
        List<Row> rows = new ArrayList<>();
        for (NameTable.NameStats s : names.names()) {
            rows.add(new Row(s.name, s.figures(), s.addresses()));
        }
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparingLong((Row r) -> -r.totalNanos()).thenComparing(r -> r.name));
        out.heading("\nName resolution, by name (look-ups the JDK's resolver made; its cache's answers are none)\n");
        for (Row r : rows) {
            out.add(TextWrap.wrap("  ", r.line(), "      ", width));
        }
        if (names.untracked() > 0) {
            out.add(TextWrap.wrap("  ", names.untracked() + " look-up(s) of names past the first " + NameTable.MAX_NAMES
                + " are counted only", "      ", width));
        }
        out.close("names");
    }

    /** One name's figures: look-ups, failures, total ns, longest ns, answer changes (see {@link NameTable.NameStats}). */
    private static final class Row {
        final String name;
        final long[] f;
        final List<String> answer;

        Row(String name, long[] figures, List<String> answer) {
            this.name = name;
            this.f = figures;
            this.answer = answer;
        }

        long totalNanos() {
            return f[2];
        }

        String line() {
            StringBuilder line = new StringBuilder(SafeText.of(name, MAX_NAME)).append(": ").append(f[0])
                .append(" look-up(s), ")
                .append(String.format(Locale.ROOT, "%.1f ms mean, %.1f ms at most", f[2] / 1e6 / f[0], f[3] / 1e6));
            if (f[1] > 0) {
                line.append(", ").append(f[1]).append(" failed");
            }
            if (f[4] > 0) {
                line.append(", answer changed ").append(f[4]).append(" time(s)");
            }
            return line.append(answer.isEmpty() ? "; no answer" : "; answer: " + String.join(", ", answer)).toString();
        }
    }
}
