package io.connscope.agent.export;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * In front of a batch processor: items its full queue would drop without a trace are refused here
 * and counted instead (see {@link SignalAccount#admit()}).
 */
final class GatedProcessors {

    private GatedProcessors() {
    }

    static final class Spans extends Delegating implements SpanProcessor {
        private final SpanProcessor batch;

        Spans(SpanProcessor batch, SignalAccount account) {
            super(batch, account, batch::forceFlush, batch::shutdown);
            this.batch = batch;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
            batch.onStart(parentContext, span);
        }

        @Override
        public boolean isStartRequired() {
            return batch.isStartRequired();
        }

        @Override
        public void onEnd(ReadableSpan span) {
            if (span.getSpanContext().isSampled() && account.admit()) {
                batch.onEnd(span);
            }
        }

        @Override
        public boolean isEndRequired() {
            return batch.isEndRequired();
        }
    }

    static final class Logs extends Delegating implements LogRecordProcessor {
        private final LogRecordProcessor batch;

        Logs(LogRecordProcessor batch, SignalAccount account) {
            super(batch, account, batch::forceFlush, batch::shutdown);
            this.batch = batch;
        }

        @Override
        public void onEmit(Context context, ReadWriteLogRecord record) {
            if (account.admit()) {
                batch.onEmit(context, record);
            }
        }
    }
}
