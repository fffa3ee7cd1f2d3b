package io.connscope.it.support;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;

/** Typed access to the attributes of a received span or log record. */
public abstract class AttributeView {

    protected abstract List<KeyValue> attributes();

    public AnyValue attr(String key) {
        for (KeyValue kv : attributes()) {
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
}
