package io.connscope.it.support;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/** One received span with typed attribute access. */
public final class SpanView extends AttributeView {

    public final Span span;
    public final String scope;
    public final Resource resource;
    /** The instrumentation scope's version, and the schema URL of its spans. */
    public final String scopeVersion;
    public final String schemaUrl;

    SpanView(Span span, String scope, Resource resource, String scopeVersion, String schemaUrl) {
        this.span = span;
        this.scope = scope;
        this.resource = resource;
        this.scopeVersion = scopeVersion;
        this.schemaUrl = schemaUrl;
    }

    public String name() {
        return span.getName();
    }

    @Override
    protected List<KeyValue> attributes() {
        return span.getAttributesList();
    }

    public String traceIdHex() {
        return hex(span.getTraceId().toByteArray());
    }

    /** The parent span id in hex, or "" for a root span. */
    public String parentSpanIdHex() {
        return hex(span.getParentSpanId().toByteArray());
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    public long durationNanos() {
        return span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
    }

    public boolean isChildOf(SpanView parent) {
        return span.getParentSpanId().equals(parent.span.getSpanId()) && span.getTraceId().equals(parent.span.getTraceId());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name()).append(" {");
        for (KeyValue kv : span.getAttributesList()) {
            b.append(kv.getKey()).append('=').append(kv.getValue().toString().trim().replace('\n', ' ')).append("; ");
        }
        return b.append('}').toString();
    }
}
