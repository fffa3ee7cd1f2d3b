package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exports each warning twice: as a {@code connscope.warning} event on the span it concerns, so
 * Jaeger shows it in place, and as an OpenTelemetry log record with event name
 * {@code connscope.warning}, in that span's context.
 */
final class WarningExport {

    static final String EVENT_NAME = "connscope.warning";

    private final Logger logger;

    WarningExport(Logger logger) {
        this.logger = logger;
    }

    void emit(List<Warning> warnings, Span span, Attributes destination, long connectionId, long epochNanos) {
        for (Warning w : warnings) {
            Attributes attributes = Attributes.builder()
                .put(RULE, w.rule)
                .put(EVIDENCE, w.evidence)
                .put(ADVICE, w.advice)
                .put(CONNECTION_ID, connectionId)
                .build();
            span.addEvent(EVENT_NAME, attributes, epochNanos, TimeUnit.NANOSECONDS);
            logger.logRecordBuilder()
                .setEventName(EVENT_NAME)
                .setTimestamp(epochNanos, TimeUnit.NANOSECONDS)
                .setContext(Context.root().with(span))
                .setSeverity(w.severity == Severity.WARN ? io.opentelemetry.api.logs.Severity.WARN
                    : io.opentelemetry.api.logs.Severity.INFO)
                .setSeverityText(w.severity.name())
                .setBody(w.rule + ": " + w.evidence)
                .setAllAttributes(destination)
                .setAllAttributes(attributes)
                .emit();
        }
    }
}
