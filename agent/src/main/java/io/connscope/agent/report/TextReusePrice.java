package io.connscope.agent.report;

import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.ReusePrice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The price of not reusing connections in the text report: the summary's line naming the
 * destinations where reuse would have saved the most, and a section with each outbound HTTP
 * destination's figures and how they were reached.
 */
final class TextReusePrice {

    /** Destinations named in the summary; the rest are added up. */
    private static final int IN_SUMMARY = 3;
    private static final String MORE = "                ";

    private TextReusePrice() {
    }

    /** The summary's "reuse price" lines, or "" when no destination paid for avoidable connections. */
    static String summary(List<Destination> all, int width) {
        List<Priced> priced = priced(all);
        priced.removeIf(p -> p.price.headline() == null);
        if (priced.isEmpty()) {
            return "";
        }
        priced.sort(Comparator.comparingLong((Priced p) -> -p.price.savingTotalNanos).thenComparing(p -> p.label));
        StringBuilder out = new StringBuilder();
        String first = "  reuse price   ";
        for (int i = 0; i < Math.min(IN_SUMMARY, priced.size()); i++) {
            Priced p = priced.get(i);
            out.append(TextWrap.wrap(first, p.label + ": " + p.price.headline(), MORE, width));
            first = MORE;
        }
        if (priced.size() > IN_SUMMARY) {
            long rest = 0;
            for (Priced p : priced.subList(IN_SUMMARY, priced.size())) {
                rest += p.price.savingTotalNanos;
            }
            out.append(TextWrap.wrap(MORE, String.format(Locale.ROOT, "and %d more destination(s): %.2f s in all",
                priced.size() - IN_SUMMARY, rest / 1e9), MORE, width));
        }
        return out.toString();
    }

    /** The section: each outbound destination that carried HTTP on a new connection, most to save first. */
    static void section(ReportSection out, List<Destination> all, int width) {
        List<Priced> priced = priced(all);
        if (priced.isEmpty()) {
            return;
        }
        priced.sort(Comparator.comparingLong((Priced p) -> -p.price.savingTotalNanos).thenComparing(p -> p.label));
        out.heading("\nPrice of new connections, by destination (HTTP, outbound)\n");
        for (Priced p : priced) {
            String headline = p.price.headline();
            out.add(TextWrap.wrap("  " + p.label + ": ", (headline == null ? "nothing to save" : headline) + ". "
                + p.price.basis() + ".", "      ", width));
        }
        out.close("destinations");
    }

    /** The destination table's cell: "58 ms/req, 519 ms" (per request, and in all), or "-" when nothing could have been saved. */
    static String cell(Destination d) {
        ReusePrice p = d.role == Role.CLIENT ? ReusePrice.of(d.stats.reuse) : null;
        if (p == null || p.headline() == null) {
            return "-";
        }
        return millis(p.savingPerRequestNanos) + "/req, " + millis(p.savingTotalNanos);
    }

    private static String millis(long nanos) {
        return nanos >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
            : String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static List<Priced> priced(List<Destination> all) {
        List<Priced> out = new ArrayList<>();
        for (Destination d : all) {
            ReusePrice p = d.role == Role.CLIENT ? ReusePrice.of(d.stats.reuse) : null;
            if (p != null) {
                out.add(new Priced(ConnectionReport.label(d), p));
            }
        }
        return out;
    }

    private static final class Priced {
        final String label;
        final ReusePrice price;

        Priced(String label, ReusePrice price) {
            this.label = label;
            this.price = price;
        }
    }
}
