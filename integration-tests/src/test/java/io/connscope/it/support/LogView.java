package io.connscope.it.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;

/** One received log record with typed attribute access. */
public final class LogView {

    public final LogRecord log;

    LogView(LogRecord log) {
        this.log = log;
    }

    public String eventName() {
        return log.getEventName();
    }

    public String severityText() {
        return log.getSeverityText();
    }

    private AnyValue attr(String key) {
        for (KeyValue kv : log.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue();
            }
        }
        return null;
    }

    public String str(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getStringValue();
    }

    public Long num(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getIntValue();
    }

    public ByteString spanId() {
        return log.getSpanId();
    }

    @Override
    public String toString() {
        return log.getSeverityText() + " " + log.getEventName() + " " + log.getBody().getStringValue();
    }
}
