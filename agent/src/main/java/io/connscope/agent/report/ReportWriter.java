package io.connscope.agent.report;

import io.connscope.agent.config.AgentConfig;
import io.connscope.agent.connection.ConnectionTracker;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.export.ExportHealth;
import io.connscope.agent.files.OwnerOnlyFiles;
import io.connscope.agent.instrument.UnfollowedStacks;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.bridge.Bridge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Writes the exit report to stderr or to {@code connscope.report.file}, with connscope's own health notes. */
public final class ReportWriter {

    private final AgentConfig config;
    private final ConnectionTracker tracker;
    private final ExportHealth exportHealth;
    private final WarningLog warnings;
    private final Timeline timeline;
    private final List<String> configProblems;
    /** Asked at report time: targets the JDK loads later are instrumented (or not) only then. */
    private final Supplier<List<String>> notInstrumented;
    private final AnalysisMemory analysisMemory;
    private final AgentThreads threads;

    public ReportWriter(AgentConfig config, ConnectionTracker tracker, ExportHealth exportHealth, WarningLog warnings,
                        Timeline timeline, List<String> configProblems, Supplier<List<String>> notInstrumented,
                        AnalysisMemory analysisMemory, AgentThreads threads) {
        this.analysisMemory = analysisMemory;
        this.threads = threads;
        this.config = config;
        this.tracker = tracker;
        this.exportHealth = exportHealth;
        this.warnings = warnings;
        this.timeline = timeline;
        this.configProblems = configProblems;
        this.notInstrumented = notInstrumented;
    }

    /** The text report as of now. */
    public String text() {
        return ConnectionReport.render(tracker.destinations(), warnings.groups(), notes(), config.reportWide(),
            tracker.names());
    }

    /** The HTML report as of now. */
    public String html() {
        return HtmlReport.render(tracker.destinations(), warnings.groups(), notes(), timeline);
    }

    /** The live view's page as of now: the HTML report, refreshing itself from {@link #json()}. */
    public String liveHtml() {
        return HtmlReport.render(tracker.destinations(), warnings.groups(), notes(), timeline, true);
    }

    /** The live view's data as of now. */
    public String json() {
        return HtmlReport.json(tracker.destinations(), warnings.groups(), notes(), timeline);
    }

    /** At exit: the text report to stderr or its file, and the HTML report when one is configured. */
    public void write() {
        if (!config.reportEnabled()) {
            return;
        }
        String text = text();
        Path file = config.reportFile();
        List<String> written = new ArrayList<>();
        if (file != null && writeFile(file, text, "report")) {
            written.add("report to " + file);
        } else {
            System.err.print(text);
            System.err.flush();
        }
        Path htmlFile = config.reportHtml();
        if (htmlFile != null) {
            try {
                if (writeFile(htmlFile, html(), "HTML report")) {
                    written.add("HTML report to " + htmlFile);
                }
            } catch (RuntimeException e) {
                AgentLog.info("could not render the HTML report (" + e + ")");
            }
        }
        if (config.banner() && !written.isEmpty()) {
            AgentLog.info("wrote the " + String.join(" and the ", written));
        }
    }

    private static boolean writeFile(Path file, String content, String what) {
        try {
            OwnerOnlyFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException | RuntimeException e) {
            AgentLog.info("could not write the " + what + " to " + file + " (" + e + ")");
            return false;
        }
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>(exportHealth.notes());
        long adopted = tracker.adopted();
        if (adopted > 0) {
            notes.add(adopted + " connection(s) were already open when connscope was attached: they are counted from their"
                + " first read or write after it (connscope.connection.seen_since_attach), and their role is guessed from"
                + " the ports");
        }
        long collectors = tracker.collectorConnectionsIgnored();
        if (collectors > 0) {
            notes.add(collectors + " connection(s) to OTLP collectors were not followed: they carry telemetry, not your"
                + " application's traffic (" + AgentConfig.TRACK_TELEMETRY + "=true follows them)");
        }
        long leftOut = tracker.connectionsLeftOut();
        if (leftOut > 0) {
            notes.add(leftOut + " connection(s) were left out by the rules, which follow " + config.followRules().describe());
        }
        long untracked = tracker.registry().untracked();
        if (untracked > 0) {
            notes.add(untracked + " connection(s) were not followed: more than " + config.maxConnections()
                + " were open at once (" + AgentConfig.MAX_CONNECTIONS + ")");
        }
        if (tracker.destinations().overflowed()) {
            notes.add("destinations beyond the first " + tracker.destinations().limit() + " are aggregated as (other) ("
                + AgentConfig.MAX_DESTINATIONS + ")");
        }
        if (warnings.ungrouped() > 0) {
            notes.add(warnings.ungrouped() + " warning(s) are counted in connscope.warnings but not listed above: too many"
                + " rule/destination pairs");
        }
        if (tracker.http().resendsForgotten() > 0) {
            notes.add(tracker.http().resendsForgotten() + " failed request attempt(s) were not remembered for resend detection:"
                + " too many at once");
        }
        notes.addAll(UnfollowedStacks.notes());
        if (tracker.tlsEnginesNotPaired() > 0) {
            notes.add(tracker.tlsEnginesNotPaired() + " TLS handshake(s) through an SSLEngine were not paired with their"
                + " connection (too many waiting at once): their plaintext was not analysed");
        }
        if (analysisMemory.refusedConnections() > 0) {
            notes.add(analysisMemory.refusedConnections() + " connection(s) were not analysed for HTTP (or not to their end):"
                + " the analysis memory budget, " + analysisMemory.limit() + " bytes (" + AgentConfig.MAX_ANALYSIS_MEMORY
                + "), was spent by heads and header blocks in flight and HPACK tables of other connections; their bytes,"
                + " timings and closes are still followed");
        }
        if (threads.uncaught() > 0) {
            notes.add(threads.uncaught() + " internal error(s) ended connscope threads (the first: " + threads.firstUncaught()
                + "); what they were doing is incomplete");
        }
        if (tracker.http().failures() > 0) {
            notes.add("The analysis of the bytes (HTTP, RESP) failed internally on " + tracker.http().failures()
                + " connection(s) and was stopped for them; their bytes and closes are still counted");
        }
        for (int hook = 0; hook < Bridge.HOOK_COUNT; hook++) {
            int failures = Bridge.failures(hook);
            if (failures > 0) {
                notes.add("hook '" + Bridge.hookName(hook) + "' had " + failures + " internal error(s)"
                    + (Bridge.isHookDisabled(hook) ? " and was disabled; its data is incomplete" : ""));
            }
        }
        for (String m : notInstrumented.get()) {
            notes.add("not instrumented on this JDK: " + m);
        }
        for (String p : configProblems) {
            notes.add("configuration: " + p);
        }
        return notes;
    }
}
