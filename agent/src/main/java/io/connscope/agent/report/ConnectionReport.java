package io.connscope.agent.report;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.DestinationStats;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.LogHistogram;
import io.connscope.agent.connection.NameTable;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.text.SafeText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text report: a summary of what was followed and of the warnings ({@link TextSummary}), the
 * warnings most harmful first ({@link TextWarnings}), one row per destination (outbound) and per
 * listening port (inbound), then whatever connscope itself could not do (drops, limits, disabled
 * hooks). It fits {@link TextWrap#WIDTH} columns: long text wraps, the table keeps its most read
 * columns and wraps its last; {@code wide} gives every column and one line per entry, however long.
 * Its size is bounded: every string in it is bounded and escaped (see {@link SafeText}), and each
 * section has a share of {@link #MAX_BYTES}; entries past a section's share are counted in one line
 * instead.
 */
public final class ConnectionReport {

    /** The text report's size bound, in bytes. */
    public static final int MAX_BYTES = 1024 * 1024;
    private static final int WARNINGS_SHARE = 192 * 1024;
    private static final int NOTES_SHARE = 32 * 1024;
    /** The two tables share what is left, less room for the title and the end line. */
    private static final int TABLES_SHARE = MAX_BYTES - WARNINGS_SHARE - NOTES_SHARE - 1024;
    private static final int MAX_NOTE = 1000;

    private ConnectionReport() {
    }

    public static String render(Destinations destinations, List<String> notes) {
        return render(destinations, Collections.emptyList(), notes, false, new NameTable());
    }

    public static String render(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                                boolean wide, NameTable names) {
        List<Destination> all = sorted(destinations);
        int width = wide ? 0 : TextWrap.WIDTH;
        StringBuilder out = new StringBuilder();
        out.append("==== connscope connection report ====\n");
        out.append(TextSummary.of(all, warnings, width));
        TextWarnings.write(new ReportSection(out, WARNINGS_SHARE), warnings, width);
        Map<String, Long> warningCounts = warningCounts(warnings);
        ReportSection tables = new ReportSection(out, TABLES_SHARE);
        section(tables, "Outbound connections, by destination", all, Role.CLIENT, warningCounts, wide);
        section(tables, "Inbound connections, by local listening port", all, Role.SERVER, warningCounts, wide);
        TextReusePrice.section(tables, all, width);
        TextNameResolution.section(tables, names, width);
        if (!notes.isEmpty()) {
            ReportSection section = new ReportSection(out, NOTES_SHARE);
            section.heading("\nNotes\n");
            for (String n : notes) {
                section.add(TextWrap.wrap("  - ", SafeText.of(n, MAX_NOTE), "    ", width));
            }
            section.close("notes");
        }
        out.append("==== end of connscope report ====\n");
        return out.toString();
    }

    private static void section(ReportSection out, String title, List<Destination> all, Role role,
                                Map<String, Long> warningCounts, boolean wide) {
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
        List<String> header = new ArrayList<>(wide ? COLUMNS : NARROW_COLUMNS);
        header.set(0, role == Role.CLIENT ? "destination" : "listening port");
        if (!wide) {
            out.heading("  (sent, received in bytes; connect, TLS: p50/p95 ms; reuse: requests on a reused connection;"
                + " more: report.wide)\n");
        }
        out.heading(String.format(Locale.ROOT, wide ? WIDE : NARROW, header.toArray()));
        for (Destination d : rows) {
            List<String> cells = cells(d, warningCounts);
            out.add(wide ? String.format(Locale.ROOT, WIDE, cells.toArray()) : narrow(cells));
        }
        out.close(role == Role.CLIENT ? "destinations" : "listening ports");
    }

    /** Every column, one line per destination however long. */
    private static final String WIDE = "  %-28s %7s %6s %12s %12s %17s %17s %11s %14s %14s %6s %8s %20s  %s%n";
    /** The columns most read, within {@link TextWrap#WIDTH}. */
    private static final String NARROW = "  %-22s %6s %4s %9s %9s %9s %9s %9s %5s %4s  %s%n";
    private static final int NARROW_LABEL = 22;
    private static final List<String> NARROW_COLUMNS = List.of("destination", "opened", "fail", "sent", "received",
        "connect", "TLS", "req/resp", "reuse", "warn", "closes");
    /** Where the closes column starts in a narrow row. */
    private static final int CLOSES_AT = String.format(Locale.ROOT, NARROW, NARROW_COLUMNS.toArray()).indexOf("closes");
    private static final String CLOSES_LINE = "      closes: ";

    /**
     * A destination's narrow row: the label alone on a line of its own when it is longer than its
     * column, the percentiles without their unit (the legend gives it), the closes on a line of their
     * own when they do not fit in their column.
     */
    private static String narrow(List<String> cells) {
        StringBuilder out = new StringBuilder();
        String label = cells.get(0);
        if (label.length() > NARROW_LABEL) {
            out.append("  ").append(label).append('\n');
            label = "";
        }
        String closes = cells.get(13);
        boolean fits = CLOSES_AT + closes.length() <= TextWrap.WIDTH;
        String row = String.format(Locale.ROOT, NARROW, label, cells.get(1), cells.get(2), bytes(cells.get(3)),
            bytes(cells.get(4)), unitless(cells.get(5)), unitless(cells.get(6)), cells.get(9), cells.get(10),
            cells.get(11), fits ? closes : "");
        if (fits) {
            return out.append(row).toString();
        }
        out.append(row.stripTrailing()).append('\n');
        return out.append(TextWrap.wrap(CLOSES_LINE, closes, " ".repeat(CLOSES_LINE.length()), TextWrap.WIDTH)).toString();
    }

    private static String unitless(String percentiles) {
        return percentiles.endsWith(" ms") ? percentiles.substring(0, percentiles.length() - 3) : percentiles;
    }

    /** Exact up to 9 digits; beyond, in GB (the wide report is exact). */
    private static String bytes(String exact) {
        return exact.length() <= 9 ? exact : String.format(Locale.ROOT, "%.1fG", Long.parseLong(exact) / 1e9);
    }

    /** The column names of the destination table, shared with the HTML report. */
    static final List<String> COLUMNS = List.of("destination", "opened", "failed", "bytes sent", "bytes recv",
        "connect p50/p95", "TLS p50/p95", "TLS resumed", "NODELAY on/off", "HTTP req/resp", "reuse", "warnings",
        "reuse would save", "closes");

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
            Long.toString(warningCounts.getOrDefault(d.key, 0L)), TextReusePrice.cell(d), closes(s));
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

    static String label(Destination d) {
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
