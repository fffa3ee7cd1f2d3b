package io.connscope.agent.report;

import java.nio.charset.StandardCharsets;

/**
 * A part of the text report with a share of its size: entries that do not fit are counted in one
 * closing line instead, so that no peer, however many destinations or warnings it causes, makes the
 * report outgrow its bound.
 */
final class ReportSection {
    private final StringBuilder out;
    private int left;
    private int omitted;

    ReportSection(StringBuilder out, int share) {
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
                .append(" not listed: the text report stays under ").append(ConnectionReport.MAX_BYTES / 1024)
                .append(" KiB\n");
            omitted = 0;
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
