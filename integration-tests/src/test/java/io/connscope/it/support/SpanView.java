package io.connscope.it.support;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/** One received span with typed attribute access. */
public final class SpanView {

    public final Span span;
    public final String scope;
    public final Resource resource;

    SpanView(Span span, String scope, Resource resource) {
        this.span = span;
        this.scope = scope;
        this.resource = resource;
    }

    public String name() {
        return span.getName();
    }

    public AnyValue attr(String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue();
            }
        }
        return null;
    }

    public boolean has(String key) {
        return attr(key) != null;
    }

    public String str(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getStringValue();
    }

    public Long num(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getIntValue();
    }

    public Double dbl(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getDoubleValue();
    }

    public Boolean bool(String key) {
        AnyValue v = attr(key);
        return v == null ? null : v.getBoolValue();
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
