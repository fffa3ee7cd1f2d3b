package io.connscope.it.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.util.List;

/** One received log record with typed attribute access. */
public final class LogView extends AttributeView {

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

    @Override
    protected List<KeyValue> attributes() {
        return log.getAttributesList();
    }

    public ByteString spanId() {
        return log.getSpanId();
    }

    @Override
    public String toString() {
        return log.getSeverityText() + " " + log.getEventName() + " " + log.getBody().getStringValue();
    }
}
