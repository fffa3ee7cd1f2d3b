package io.connscope.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Exporters that report each export's items and outcome to their signal's {@link SignalAccount}. */
final class AccountedExporters {

    private AccountedExporters() {
    }

    static final class Spans extends Delegating implements SpanExporter {
        private final SpanExporter delegate;

        Spans(SpanExporter delegate, SignalAccount account) {
            super(delegate, account, delegate::flush, delegate::shutdown);
            this.delegate = delegate;
            account.addExporter();
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return account.export(spans.size(), delegate.export(spans));
        }
    }

    static final class Logs extends Delegating implements LogRecordExporter {
        private final LogRecordExporter delegate;

        Logs(LogRecordExporter delegate, SignalAccount account) {
            super(delegate, account, delegate::flush, delegate::shutdown);
            this.delegate = delegate;
            account.addExporter();
        }

        @Override
        public CompletableResultCode export(Collection<LogRecordData> logs) {
            return account.export(logs.size(), delegate.export(logs));
        }
    }

    /** Counts data points, the unit a failed metric export loses; temporality and aggregation stay the exporter's. */
    static final class Metrics extends Delegating implements MetricExporter {
        private final MetricExporter delegate;

        Metrics(MetricExporter delegate, SignalAccount account) {
            super(delegate, account, delegate::flush, delegate::shutdown);
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            int points = 0;
            for (MetricData m : metrics) {
                points += m.getData().getPoints().size();
            }
            return account.export(points, delegate.export(metrics));
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return delegate.getAggregationTemporality(type);
        }

        @Override
        public Aggregation getDefaultAggregation(InstrumentType type) {
            return delegate.getDefaultAggregation(type);
        }

        @Override
        public MemoryMode getMemoryMode() {
            return delegate.getMemoryMode();
        }
    }
}
