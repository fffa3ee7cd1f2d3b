package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.Destination;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each destination's attributes, built once: every exchange and every metric collection names its
 * destination, and building the set each time was a fifth of the export thread's work. Bounded as
 * the destinations are (they are never removed); read by the export thread and the metric reader's.
 */
final class DestinationAttributes {

    private final Map<Destination, Attributes> built = new ConcurrentHashMap<>();

    Attributes of(Destination d) {
        Attributes a = built.get(d);
        if (a == null) {
            a = build(d);
            built.put(d, a);
        }
        return a;
    }

    private static Attributes build(Destination d) {
        AttributesBuilder b = Attributes.builder().put(ROLE, d.role.label());
        if (d.serverAddress != null) {
            b.put(SERVER_ADDRESS, d.serverAddress);
        }
        if (d.port > 0) {
            b.put(SERVER_PORT, d.port);
        }
        return b.build();
    }
}
