package io.connscope.agent.report;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.DestinationStats;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.LogHistogram;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.text.SafeText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The exit summary: one row per destination (outbound) and per listening port (inbound), then
 * whatever connscope itself could not do (drops, limits, disabled hooks). Its size is bounded: every
 * string in it is bounded and escaped (see {@link SafeText}), and each section has a share of
 * {@link #MAX_BYTES}; rows past a section's share are counted in one line instead.
 */
public final class ConnectionReport {

    /** The text report's size bound, in bytes. */
    public static final int MAX_BYTES = 512 * 1024;
    private static final int WARNINGS_SHARE = 192 * 1024;
    private static final int NOTES_SHARE = 32 * 1024;
    /** The two tables share what is left, less room for the title and the end line. */
    private static final int TABLES_SHARE = MAX_BYTES - WARNINGS_SHARE - NOTES_SHARE - 1024;
    private static final int MAX_NOTE = 1000;

    private ConnectionReport() {
    }

    public static String render(Destinations destinations, List<String> notes) {
        return render(destinations, Collections.emptyList(), notes);
    }

    public static String render(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes) {
        List<Destination> all = sorted(destinations);
        long connections = 0;
        for (Destination d : all) {
            connections += d.stats.opened.get() + d.stats.connectFailures.get();
        }
        StringBuilder out = new StringBuilder();
        out.append("==== connscope connection report ====\n");
        out.append(String.format(Locale.ROOT, "%d connection(s), %d destination(s)%n", connections, all.size()));
        Map<String, Long> warningCounts = warningCounts(warnings);
        Section tables = new Section(out, TABLES_SHARE);
        section(tables, "Outbound connections, by destination", all, Role.CLIENT, warningCounts);
        section(tables, "Inbound connections, by local listening port", all, Role.SERVER, warningCounts);
        warnings(new Section(out, WARNINGS_SHARE), warnings);
        if (!notes.isEmpty()) {
            Section section = new Section(out, NOTES_SHARE);
            section.heading("\nNotes\n");
            for (String n : notes) {
                section.add("  - " + SafeText.of(n, MAX_NOTE) + "\n");
            }
            section.close("notes");
        }
        out.append("==== end of connscope report ====\n");
        return out.toString();
    }

    /** A part of the report with a share of its size: what does not fit is counted in one closing line. */
    private static final class Section {
        private final StringBuilder out;
        private int left;
        private int omitted;

        Section(StringBuilder out, int share) {
            this.out = out;
            this.left = share - 200; // room for the closing line
        }

        void heading(String text) {
            out.append(text);
            left -= utf8Length(text);
        }

        void add(String text) {
            int n = utf8Length(text);
            if (omitted > 0 || n > left) {
                omitted++;
            } else {
                out.append(text);
                left -= n;
            }
        }

        /** Says how many entries did not fit, and starts the count again (the next table shares what is left). */
        void close(String what) {
            if (omitted > 0) {
                out.append("  … ").append(omitted).append(" more ").append(what)
                    .append(" not listed: the text report stays under ").append(MAX_BYTES / 1024).append(" KiB\n");
                omitted = 0;
            }
        }

        private static int utf8Length(String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private static void section(Section out, String title, List<Destination> all, Role role,
                                Map<String, Long> warningCounts) {
        List<Destination> rows = new ArrayList<>();
        for (Destination d : all) {
            if (d.role == role) {
                rows.add(d);
            }
        }
        out.heading("\n" + title + "\n");
        if (rows.isEmpty()) {
            out.heading("  (none)\n");
            return;
        }
        String format = "  %-28s %7s %6s %12s %12s %17s %17s %11s %14s %14s %6s %8s  %s%n";
        List<String> header = new ArrayList<>(COLUMNS);
        header.set(0, role == Role.CLIENT ? "destination" : "listening port");
        out.heading(String.format(Locale.ROOT, format, header.toArray()));
        for (Destination d : rows) {
            out.add(String.format(Locale.ROOT, format, cells(d, warningCounts).toArray()));
        }
        out.close(role == Role.CLIENT ? "destinations" : "listening ports");
    }

    /** The column names of the destination table, shared with the HTML report. */
    static final List<String> COLUMNS = List.of("destination", "opened", "failed", "bytes sent", "bytes recv",
        "connect p50/p95", "TLS p50/p95", "TLS resumed", "NODELAY on/off", "HTTP req/resp", "reuse", "warnings", "closes");

    /** One destination's row, as text cells in {@link #COLUMNS} order. */
    static List<String> cells(Destination d, Map<String, Long> warningCounts) {
        DestinationStats s = d.stats;
        return List.of(label(d), Long.toString(s.opened.get()), Long.toString(s.connectFailures.get()),
            Long.toString(s.bytesSent.get()), Long.toString(s.bytesReceived.get()),
            d.role == Role.CLIENT ? percentiles(s.connectTime) : "-",
            percentiles(s.tlsHandshakeTime),
            s.tlsHandshakeTime.count() == 0 ? "-" : s.tlsResumed.get() + "/" + s.tlsHandshakeTime.count(),
            s.noDelayOn.get() + "/" + s.noDelayOff.get(),
            s.httpRequests.get() + s.httpResponses.get() == 0 ? "-" : s.httpRequests.get() + "/" + s.httpResponses.get(),
            s.reuseRatio() < 0 ? "-" : Math.round(s.reuseRatio() * 100) + "%",
            Long.toString(warningCounts.getOrDefault(d.key, 0L)), closes(s));
    }

    /** Warnings per destination key. */
    static Map<String, Long> warningCounts(List<WarningLog.Group> warnings) {
        Map<String, Long> counts = new HashMap<>();
        for (WarningLog.Group g : warnings) {
            counts.merge(g.destination, g.count(), Long::sum);
        }
        return counts;
    }

    /** Destinations, busiest first. */
    static List<Destination> sorted(Destinations destinations) {
        List<Destination> all = new ArrayList<>(destinations.all());
        all.sort(Comparator.comparingLong((Destination d) -> -(d.stats.opened.get() + d.stats.connectFailures.get()))
            .thenComparing(d -> d.key));
        return all;
    }

    /** One line per rule and destination: severity, count, the first occurrence's evidence, and the fix. */
    private static void warnings(Section out, List<WarningLog.Group> groups) {
        out.heading("\nWarnings\n");
        if (groups.isEmpty()) {
            out.heading("  (none)\n");
            return;
        }
        for (WarningLog.Group g : groups) {
            out.add(String.format(Locale.ROOT, "  %-4s %s at %s, %d time(s)%s%n", g.severity, g.rule,
                SafeText.of(g.destination, Warning.MAX_TEXT), g.count(),
                g.suppressed() == 0 ? "" : " (" + g.suppressed() + " beyond the rate limit not exported)")
                + "       first: " + SafeText.of(g.firstEvidence, Warning.MAX_TEXT) + "\n"
                + "       fix:   " + SafeText.of(g.advice, Warning.MAX_TEXT) + "\n");
        }
        out.close("warning groups");
    }

    private static String label(Destination d) {
        if (d.serverAddress != null && d.serverAddress.startsWith("(")) {
            return d.serverAddress;
        }
        String l = d.role == Role.CLIENT ? d.serverAddress + ":" + d.port : (d.port == 0 ? "(other)" : ":" + d.port);
        return SafeText.of(l, 28);
    }

    static String percentiles(LogHistogram h) {
        if (h.count() == 0) {
            return "-";
        }
        return millis(h.quantileNanos(0.50)) + "/" + millis(h.quantileNanos(0.95)) + " ms";
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }

    private static String closes(DestinationStats s) {
        StringBuilder b = new StringBuilder();
        for (CloseClassification c : CloseClassification.values()) {
            long n = s.closes.get(c.ordinal());
            if (n > 0) {
                if (b.length() > 0) {
                    b.append(", ");
                }
                b.append(c.label()).append(' ').append(n);
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
