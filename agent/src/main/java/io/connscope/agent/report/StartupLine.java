package io.connscope.agent.report;

import io.connscope.agent.config.AgentConfig;

/**
 * The one line connscope says at start-up, so that an operator who attached it knows where to look:
 * its version, where the report will go, the live report's address, which connections it follows
 * when rules narrow them, and what is exported to where.
 * {@code connscope.banner=false} silences it (and the exit line).
 */
public final class StartupLine {

    private StartupLine() {
    }

    /**
     * @param livePort the live report's port, or -1 when none runs
     * @param exports what is exported and to where ({@code ExportTargets.describe})
     */
    public static String text(AgentConfig config, String version, int livePort, String exports) {
        StringBuilder b = new StringBuilder("connscope ").append(version).append(": ");
        if (!config.reportEnabled()) {
            b.append("no report at exit (").append(AgentConfig.REPORT_ENABLED).append("=false)");
        } else {
            b.append("report at exit to ").append(config.reportFile() == null ? "stderr" : config.reportFile().toString());
            if (config.reportHtml() != null) {
                b.append(", HTML report to ").append(config.reportHtml());
            }
        }
        if (livePort >= 0) {
            b.append("; live report on http://127.0.0.1:").append(livePort).append('/');
        }
        String rules = config.followRules().describe();
        if (rules != null) {
            b.append("; following ").append(rules);
        }
        if (!config.metricsPerDestination()) {
            b.append("; metrics without destinations");
        }
        return b.append("; ").append(exports).append(" (").append(AgentConfig.BANNER).append("=false silences this)")
            .toString();
    }
}
