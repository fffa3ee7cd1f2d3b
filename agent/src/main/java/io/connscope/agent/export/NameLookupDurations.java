package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.ERROR_TYPE;

import io.connscope.agent.connection.NameLookup;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code dns.lookup.duration}, as the DNS conventions define it (seconds, the HTTP buckets they
 * advise, {@code dns.question.name} and {@code error.type}): every look-up the JDK's resolver
 * answered, the cache's answers not included. Names are a destination's cardinality: past
 * {@link #MAX_NAMES} distinct ones, and with {@code connscope.metrics.per.destination=false}, the
 * name is {@code (other)}. Used on the pipeline thread only.
 */
final class NameLookupDurations {

    static final AttributeKey<String> DNS_QUESTION_NAME = AttributeKey.stringKey("dns.question.name");
    static final int MAX_NAMES = 200;

    private final DoubleHistogram durations;
    private final boolean perName;
    private final Set<String> names = new HashSet<>();

    NameLookupDurations(Meter meter, boolean perName) {
        this.perName = perName;
        durations = meter.histogramBuilder("dns.lookup.duration").setUnit("s")
            .setDescription("Time of the look-ups the JDK's resolver answered (its cache missed).")
            .setExplicitBucketBoundariesAdvice(HttpRequestDurations.BUCKETS).build();
    }

    void record(NameLookup lookup) {
        AttributesBuilder b = Attributes.builder().put(DNS_QUESTION_NAME, nameOf(lookup.name));
        if (lookup.error != null) {
            b.put(ERROR_TYPE, lookup.error);
        }
        durations.record(Math.max(0L, lookup.durationNanos()) / 1e9, b.build());
    }

    /** The name as queried (the conventions ask for no normalization); names are told apart regardless of case. */
    private String nameOf(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (perName && (names.contains(key) || names.size() < MAX_NAMES && names.add(key))) {
            return name;
        }
        return "(other)";
    }
}
