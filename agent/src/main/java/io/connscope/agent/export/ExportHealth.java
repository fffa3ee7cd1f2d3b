package io.connscope.agent.export;

import io.connscope.agent.pipeline.EventQueue;
import io.connscope.agent.pipeline.SnapshotSchedule;
import io.connscope.agent.runtime.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.logging.SystemOutLogRecordExporter;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether telemetry reaches the collector, and what was lost when it did not: connscope's own queue,
 * then per signal the SDK's batch queue and each export. A collector that is absent, refuses, errs,
 * answers slowly or stalls costs the application nothing: every queue is bounded, every export runs on
 * the SDK's threads, and what cannot be sent is dropped and counted in {@code connscope.telemetry.dropped}.
 * The first failure and the first recovery are logged, one line each; the totals go into the report.
 */
public final class ExportHealth {

    static final AttributeKey<String> ITEM = AttributeKey.stringKey("connscope.telemetry.item");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("connscope.telemetry.drop_reason");
    private static final String QUEUE_FULL = "queue_full";
    private static final String EXPORT_FAILED = "export_failed";

    private final EventQueue queue;
    final SignalAccount spans = new SignalAccount("spans", "span", this);
    final SignalAccount logs = new SignalAccount("logs", "log_record", this);
    final SignalAccount metrics = new SignalAccount("metrics", "metric_point", this);
    private final List<SignalAccount> signals = List.of(spans, logs, metrics);
    /** The SDK is the OpenTelemetry Java agent's: its exporters are not connscope's to count. */
    private volatile boolean hostExports;
    /** Signals whose last export failed. */
    private final Set<SignalAccount> failing = ConcurrentHashMap.newKeySet();
    private volatile boolean everFailed;

    private volatile SnapshotSchedule snapshots = SnapshotSchedule.never();

    public ExportHealth(EventQueue queue) {
        this.queue = queue;
    }

    /** Puts the accounting around the exporters and batch processors that autoconfiguration builds. */
    void customize(AutoConfigurationCustomizer sdk) {
        sdk.addSpanExporterCustomizer((exporter, config) ->
                exporter instanceof LoggingSpanExporter ? exporter : new AccountedExporters.Spans(exporter, spans))
            .addLogRecordExporterCustomizer((exporter, config) ->
                exporter instanceof SystemOutLogRecordExporter ? exporter : new AccountedExporters.Logs(exporter, logs))
            .addMetricExporterCustomizer((exporter, config) -> new AccountedExporters.Metrics(exporter, metrics))
            .addSpanProcessorCustomizer((processor, config) -> {
                if (!(processor instanceof BatchSpanProcessor)) {
                    return processor;
                }
                spans.gateAt(config.getInt("otel.bsp.max.queue.size", 2048));
                return new GatedProcessors.Spans(processor, spans);
            })
            .addLogRecordProcessorCustomizer((processor, config) -> {
                if (!(processor instanceof BatchLogRecordProcessor)) {
                    return processor;
                }
                logs.gateAt(config.getInt("otel.blrp.max.queue.size", 2048));
                return new GatedProcessors.Logs(processor, logs);
            });
    }

    void succeeded(SignalAccount signal) {
        if (failing.remove(signal) && failing.isEmpty()) {
            AgentLog.once("export-recovered", "telemetry export recovered; what was dropped while it failed is counted"
                + " in connscope.telemetry.dropped and in the report", null);
        }
    }

    void failed(SignalAccount signal, Throwable error) {
        failing.add(signal);
        everFailed = true;
        String cause = cause(signal, error);
        signal.lastFailure = cause;
        AgentLog.once("export-failing", "telemetry export is failing (" + cause + "); the application is not"
            + " affected: what cannot be sent is dropped and counted in connscope.telemetry.dropped, and export"
            + " resumes by itself when the collector answers", null);
    }

    /**
     * The underlying exception when there is one (connection refused, timeout); otherwise, as for an
     * HTTP error status, the exporter's own message about this signal.
     */
    private static String cause(SignalAccount signal, Throwable error) {
        Throwable cause = error == null ? null : error.getCause();
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause != null) {
            return signal.sdkName + ": " + cause;
        }
        String said = signal.sdkMessage;
        return said != null ? said : signal.sdkName + ": the exporter reported a failure";
    }

    /** A message the OpenTelemetry SDK logged about an export: the words to quote for its signal's failures. */
    void sdkSaid(String message) {
        for (SignalAccount s : signals) {
            if (message.contains("export " + s.sdkName)) {
                // An error status without a body leaves the SDK's message ending in an empty "Error message:".
                s.sdkMessage = message.replaceFirst("\\s*Error message:\\s*$", "").trim();
            }
        }
    }

    /**
     * connscope exports through the OpenTelemetry Java agent's SDK: what that SDK drops is that agent's to
     * count, so only connscope's own queue is reported.
     */
    public void exportsThroughHost() {
        hostExports = true;
    }

    /** The connscope.telemetry.dropped series, zeros included, so a dashboard has a line from the start. */
    void record(ObservableLongMeasurement m) {
        m.record(queue.dropped(), Attributes.of(ITEM, "exchange", REASON, QUEUE_FULL));
        m.record(queue.droppedLookups(), Attributes.of(ITEM, "name_lookup", REASON, QUEUE_FULL));
        if (hostExports) {
            return;
        }
        for (SignalAccount s : signals) {
            if (s != metrics) { // metric points wait in no queue
                m.record(s.queueFull(), Attributes.of(ITEM, s.item, REASON, QUEUE_FULL));
            }
            m.record(s.failed(), Attributes.of(ITEM, s.item, REASON, EXPORT_FAILED));
        }
    }

    /** The schedule of open connections' snapshots, whose skipped ones the notes count. */
    public void snapshots(SnapshotSchedule schedule) {
        snapshots = schedule;
    }

    /** Report notes: what was lost and why, after the exit flush. */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        long dropped = queue.dropped();
        if (dropped > 0) {
            notes.add("connscope.telemetry.dropped: " + dropped + " HTTP exchange(s) were not exported because the export"
                + " queue was full (connscope.export.queue.size; their connections are counted above)");
        }
        long lookups = queue.droppedLookups();
        if (lookups > 0) {
            notes.add("connscope.telemetry.dropped: " + lookups + " name look-up(s) were not exported (dns.lookup.duration)"
                + " because the export queue was full (connscope.export.queue.size; the report's name table counts them)");
        }
        long skipped = snapshots.skipped();
        if (skipped > 0) {
            notes.add(skipped + " snapshot(s) of open connections were not exported: more connections were open past the"
                + " interval at once than connscope.snapshot.max, which describes the longest-lived first");
        }
        for (SignalAccount s : signals) {
            long full = s.queueFull();
            long failed = s.failed();
            long unsent = s.unsent();
            if (full + failed + unsent == 0) {
                continue;
            }
            StringBuilder b = new StringBuilder("telemetry export, " + s.sdkName + ": " + s.sent() + " sent");
            if (full > 0) {
                b.append(", ").append(full).append(" dropped because the batch queue was full");
            }
            if (failed > 0) {
                b.append(", ").append(failed).append(" dropped by failed exports (last: ").append(s.lastFailure).append(')');
            }
            if (unsent > 0) {
                b.append(", ").append(unsent).append(" not sent within connscope.shutdown.timeout.ms at exit");
            }
            notes.add(b.toString());
        }
        if (everFailed && failing.isEmpty()) {
            notes.add("telemetry export failed for a while and then recovered");
        }
        return notes;
    }
}
