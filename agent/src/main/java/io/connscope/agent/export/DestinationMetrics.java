package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.DestinationStats;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.ReusePrice;
import io.connscope.agent.diagnose.WarningLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The running totals kept per destination, observed at each collection: connections opened, closed
 * (by classification) and open, bytes, reuse and what not reusing cost, and warnings. Without destinations on metrics several
 * destinations share one attribute set, so each collection sums them first: an observable instrument
 * keeps only one value per attribute set.
 */
final class DestinationMetrics {

    private final Destinations destinations;
    private final DestinationAttributes attributesOf;

    private DestinationMetrics(Destinations destinations, DestinationAttributes attributesOf) {
        this.destinations = destinations;
        this.attributesOf = attributesOf;
    }

    static void register(Meter meter, Destinations destinations, WarningLog warnings, DestinationAttributes attributesOf) {
        DestinationMetrics m = new DestinationMetrics(destinations, attributesOf);
        meter.gaugeBuilder("connscope.http.client.reuse_ratio").setUnit("1")
            .setDescription("Share of HTTP requests that reused a connection (1 - connections/requests), per destination,"
                + " over connections that have closed.")
            .buildWithCallback(o -> m.reuseRatios().forEach((a, v) -> {
                if (v[0] > 0) {
                    o.record(1.0 - (double) v[1] / v[0], a);
                }
            }));
        meter.gaugeBuilder("connscope.http.client.reuse.saving").setUnit("s")
            .setDescription("Time reusing connections would have saved so far, per destination: the setup a new"
                + " connection paid before its request (connect start to request), times connscope.http.client.reuse.avoidable.")
            .buildWithCallback(o -> m.prices().forEach((a, v) -> o.record(v[0] / 1e9, a)));
        meter.gaugeBuilder("connscope.http.client.reuse.avoidable").ofLongs().setUnit("{connection}")
            .setDescription("New connections a pool would have spared, per destination: those the client closed right"
                + " after their one request, no more than the new ones beyond the most open at once.")
            .buildWithCallback(o -> m.prices().forEach((a, v) -> o.record(v[1], a)));
        meter.counterBuilder("connscope.warnings").setUnit("{warning}")
            .setDescription("Warnings raised, by rule and destination (without one beyond the first 200 rule and"
                + " destination pairs).")
            .buildWithCallback(o -> m.warnings(warnings, o));
        meter.counterBuilder("connscope.connection.opened").setUnit("{connection}")
            .setDescription("Connections established (connected or accepted).")
            .buildWithCallback(o -> m.observe(o, null, null, s -> s.opened.get()));
        meter.counterBuilder("connscope.connection.closed").setUnit("{connection}")
            .setDescription("Connections ended, by close classification (connect-failed included).")
            .buildWithCallback(o -> {
                Map<Attributes, long[]> sums = new LinkedHashMap<>();
                for (CloseClassification c : CloseClassification.values()) {
                    for (Destination d : destinations.all()) {
                        long n = d.stats.closes.get(c.ordinal());
                        if (n > 0) {
                            add(sums, attributesOf.forMetrics(d).toBuilder().put(CLOSE_CLASSIFICATION, c.label()).build(), n);
                        }
                    }
                }
                record(sums, o);
            });
        meter.upDownCounterBuilder("connscope.connection.open").setUnit("{connection}")
            .setDescription("Connections currently open.")
            .buildWithCallback(o -> m.observe(o, null, null, s -> s.opened.get() - s.ended.get()));
        meter.counterBuilder("connscope.connection.io").setUnit("By")
            .setDescription("Bytes carried by connections that have ended.")
            .buildWithCallback(o -> {
                m.observe(o, NETWORK_IO_DIRECTION, "transmit", s -> s.bytesSent.get());
                m.observe(o, NETWORK_IO_DIRECTION, "receive", s -> s.bytesReceived.get());
            });
    }

    /** One total per destination, summed by metric attributes, with {@code key=value} added when given. */
    private void observe(ObservableLongMeasurement o, AttributeKey<String> key, String value, ToLongFunction<DestinationStats> total) {
        Map<Attributes, long[]> sums = new LinkedHashMap<>();
        for (Destination d : destinations.all()) {
            Attributes a = attributesOf.forMetrics(d);
            add(sums, key == null ? a : a.toBuilder().put(key, value).build(), total.applyAsLong(d.stats));
        }
        record(sums, o);
    }

    /** {requests, connections} of outbound destinations that have had HTTP, by metric attributes. */
    private Map<Attributes, long[]> reuseRatios() {
        Map<Attributes, long[]> sums = new LinkedHashMap<>();
        for (Destination d : destinations.all()) {
            if (d.role == Role.CLIENT && d.stats.httpRequests.get() > 0) {
                long[] v = sums.computeIfAbsent(attributesOf.forMetrics(d), k -> new long[2]);
                v[0] += d.stats.httpRequests.get();
                v[1] += d.stats.httpConnections.get();
            }
        }
        return sums;
    }

    /** {saving in ns, avoidable connections} of outbound destinations with a price, by metric attributes. */
    private Map<Attributes, long[]> prices() {
        Map<Attributes, long[]> sums = new LinkedHashMap<>();
        for (Destination d : destinations.all()) {
            ReusePrice p = d.role == Role.CLIENT ? ReusePrice.of(d.stats.reuse) : null;
            if (p != null) {
                long[] v = sums.computeIfAbsent(attributesOf.forMetrics(d), k -> new long[2]);
                v[0] += p.savingTotalNanos;
                v[1] += p.avoidable;
            }
        }
        return sums;
    }

    private void warnings(WarningLog warnings, ObservableLongMeasurement o) {
        Map<Attributes, long[]> sums = new LinkedHashMap<>();
        for (WarningLog.Group g : warnings.groups()) {
            add(sums, attributesOf.forMetrics(g.target).toBuilder().put(RULE, g.rule).build(), g.count());
        }
        for (Map.Entry<String, AtomicLong> e : warnings.ungroupedByRule().entrySet()) {
            add(sums, Attributes.of(RULE, e.getKey()), e.getValue().get());
        }
        record(sums, o);
    }

    private static void add(Map<Attributes, long[]> sums, Attributes a, long n) {
        sums.computeIfAbsent(a, k -> new long[1])[0] += n;
    }

    private static void record(Map<Attributes, long[]> sums, ObservableLongMeasurement o) {
        sums.forEach((a, v) -> o.record(v[0], a));
    }
}
