package io.connscope.agent.report;

import io.connscope.agent.connection.Destinations;
import io.connscope.agent.diagnose.WarningLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The self-contained HTML report: one file, no external scripts, fonts or styles. The page
 * (report.html, a resource) is a network panel (time axis with zoom, filters, sorting, grouping by
 * destination, a details pane, warnings linked to their connections) drawn from the JSON block
 * {@link ReportData} writes into it; every string reaches the page through the DOM's textContent,
 * never as markup. The live view serves the same page, which then refreshes its data from
 * {@code /api/report.json}.
 */
public final class HtmlReport {

    private static final String PLACEHOLDER = "/*DATA*/";
    /** The HTML report's size bound, in bytes: 20,000 connections with their exchanges fit in it. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private HtmlReport() {
    }

    public static String render(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                                Timeline timeline) {
        return render(destinations, warnings, notes, timeline, false);
    }

    /** The page; {@code live} makes it refresh itself from the live view's API. */
    static String render(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                         Timeline timeline, boolean live) {
        String page = template();
        int at = page.indexOf(PLACEHOLDER);
        int budget = MAX_BYTES - page.getBytes(StandardCharsets.UTF_8).length + PLACEHOLDER.length();
        return page.substring(0, at) + ReportData.json(destinations, warnings, notes, timeline, budget, live)
            + page.substring(at + PLACEHOLDER.length());
    }

    /** The data alone, as the live view's API serves it. */
    static String json(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                       Timeline timeline) {
        return ReportData.json(destinations, warnings, notes, timeline, MAX_BYTES, true);
    }

    private static String template() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html missing from the agent jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
