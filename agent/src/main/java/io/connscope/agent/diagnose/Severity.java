package io.connscope.agent.diagnose;

/** How much a warning matters; the names are OpenTelemetry log severity texts. */
public enum Severity {
    INFO,
    WARN
}
