package io.connscope.it;

import io.connscope.it.support.OtlpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;

/** Reads the last exported value of a connscope metric for one destination. */
final class MetricsAssert {

    private MetricsAssert() {
    }

    /** @param role the connscope.connection.role, or null for a metric of the conventions, whose name says it */
    private static boolean matches(List<KeyValue> attrs, String role, int port) {
        boolean roleOk = role == null;
        boolean portOk = false;
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals("connscope.connection.role")) {
                roleOk = kv.getValue().getStringValue().equals(role);
            } else if (kv.getKey().equals("server.port")) {
                portOk = kv.getValue().getIntValue() == port;
            }
        }
        return roleOk && portOk;
    }

    /** Sum over all attribute sets of the destination, in the last export that has it. */
    static long lastSum(OtlpReceiver otlp, String name, String role, int port) {
        List<Metric> exports = otlp.metrics(name);
        for (int i = exports.size() - 1; i >= 0; i--) {
            Metric m = exports.get(i);
            List<NumberDataPoint> points = m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
            long sum = 0;
            boolean found = false;
            for (NumberDataPoint p : points) {
                if (matches(p.getAttributesList(), role, port)) {
                    sum += p.getAsInt();
                    found = true;
                }
            }
            if (found) {
                return sum;
            }
        }
        throw new AssertionError("no " + name + " point for " + role + " port " + port);
    }

    /** As {@link #lastSum}, or 0 while no export has the destination yet: for waiting on it. */
    static long lastSumOrZero(OtlpReceiver otlp, String name, String role, int port) {
        try {
            return lastSum(otlp, name, role, port);
        } catch (AssertionError notYet) {
            return 0;
        }
    }

    /** Total count of a cumulative histogram for the destination, in the last export that has it. */
    static long histogramCount(OtlpReceiver otlp, String name, String role, int port) {
        List<Metric> exports = otlp.metrics(name);
        for (int i = exports.size() - 1; i >= 0; i--) {
            long count = 0;
            boolean found = false;
            for (HistogramDataPoint p : exports.get(i).getHistogram().getDataPointsList()) {
                if (matches(p.getAttributesList(), role, port)) {
                    count += p.getCount();
                    found = true;
                }
            }
            if (found) {
                return count;
            }
        }
        throw new AssertionError("no " + name + " histogram for " + role + " port " + port);
    }

    /** The last exported value of a gauge for the destination. */
    static double lastGauge(OtlpReceiver otlp, String name, String role, int port) {
        List<Metric> exports = otlp.metrics(name);
        for (int i = exports.size() - 1; i >= 0; i--) {
            for (NumberDataPoint p : exports.get(i).getGauge().getDataPointsList()) {
                if (matches(p.getAttributesList(), role, port)) {
                    return p.getAsDouble();
                }
            }
        }
        throw new AssertionError("no " + name + " point for " + role + " port " + port);
    }

    /** The last exported connscope.warnings count for a rule, over its destinations. */
    static long lastRuleCount(OtlpReceiver otlp, String rule) {
        List<Metric> exports = otlp.metrics("connscope.warnings");
        for (int i = exports.size() - 1; i >= 0; i--) {
            long sum = 0;
            boolean found = false;
            for (NumberDataPoint p : exports.get(i).getSum().getDataPointsList()) {
                if (has(p.getAttributesList(), "connscope.rule", rule)) {
                    sum += p.getAsInt();
                    found = true;
                }
            }
            if (found) {
                return sum;
            }
        }
        throw new AssertionError("no connscope.warnings point for rule " + rule);
    }

    /** The last exported connscope.telemetry.dropped count for an item and a reason. */
    static long lastDropped(OtlpReceiver otlp, String item, String reason) {
        List<Metric> exports = otlp.metrics("connscope.telemetry.dropped");
        for (int i = exports.size() - 1; i >= 0; i--) {
            for (NumberDataPoint p : exports.get(i).getSum().getDataPointsList()) {
                if (has(p.getAttributesList(), "connscope.telemetry.item", item)
                    && has(p.getAttributesList(), "connscope.telemetry.drop_reason", reason)) {
                    return p.getAsInt();
                }
            }
        }
        throw new AssertionError("no connscope.telemetry.dropped point for " + item + "/" + reason);
    }

    private static boolean has(List<KeyValue> attrs, String key, String value) {
        return attrs.stream().anyMatch(kv -> kv.getKey().equals(key) && kv.getValue().getStringValue().equals(value));
    }
}
