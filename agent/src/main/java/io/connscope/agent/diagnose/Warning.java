package io.connscope.agent.diagnose;

/** One rule firing: what it found, with the figures that prove it, and what to change. */
public final class Warning {

    public final String rule;
    public final Severity severity;
    /** The exact figures, in one sentence. */
    public final String evidence;
    /** The fix. */
    public final String advice;

    public Warning(String rule, Severity severity, String evidence, String advice) {
        this.rule = rule;
        this.severity = severity;
        this.evidence = evidence;
        this.advice = advice;
    }

    @Override
    public String toString() {
        return severity + " " + rule + ": " + evidence + " Fix: " + advice;
    }
}
