package io.connscope.agent.diagnose;

import io.connscope.agent.text.SafeText;

/**
 * One rule firing: what it found, with the figures that prove it, and what to change. The evidence
 * quotes what came from the wire (paths, host names), so both texts are bounded and escaped here,
 * once for every place they go: span events, log records, the reports.
 */
public final class Warning {

    /** Evidence and advice are cut to this many characters. */
    public static final int MAX_TEXT = 1000;

    public final String rule;
    public final Severity severity;
    /** The exact figures, in one sentence. */
    public final String evidence;
    /** The fix. */
    public final String advice;

    public Warning(String rule, Severity severity, String evidence, String advice) {
        this.rule = rule;
        this.severity = severity;
        this.evidence = SafeText.of(evidence, MAX_TEXT);
        this.advice = SafeText.of(advice, MAX_TEXT);
    }

    @Override
    public String toString() {
        return severity + " " + rule + ": " + evidence + " Fix: " + advice;
    }
}
