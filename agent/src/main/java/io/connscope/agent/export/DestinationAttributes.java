package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each destination's attributes, built once: every exchange and every metric collection names its
 * destination, and building the set each time was a fifth of the export thread's work. Bounded as
 * the destinations are (they are never removed); read by the export thread and the metric reader's.
 * Spans and logs always name the destination; metrics do unless {@code connscope.metrics.per.destination}
 * is off, when they carry only the role, and their series no longer grow with the destinations.
 */
final class DestinationAttributes {

    private static final Attributes CLIENT = Attributes.of(ROLE, Role.CLIENT.label());
    private static final Attributes SERVER = Attributes.of(ROLE, Role.SERVER.label());

    private final Map<Destination, Attributes> built = new ConcurrentHashMap<>();
    private final boolean metricsPerDestination;

    DestinationAttributes(boolean metricsPerDestination) {
        this.metricsPerDestination = metricsPerDestination;
    }

    /** For spans and logs: the role, server.address (outbound) and server.port. */
    Attributes of(Destination d) {
        Attributes a = built.get(d);
        if (a == null) {
            a = build(d);
            built.put(d, a);
        }
        return a;
    }

    /** For metrics: as {@link #of}, or only the role. */
    Attributes forMetrics(Destination d) {
        return metricsPerDestination ? of(d) : d.role == Role.CLIENT ? CLIENT : SERVER;
    }

    /**
     * For the conventions' {@code http.client.*} metrics, whose names say the role: server.address and
     * server.port, or nothing when metrics do not name destinations.
     */
    AttributesBuilder forHttpClientMetrics(Destination d) {
        AttributesBuilder b = Attributes.builder();
        if (metricsPerDestination && d.serverAddress != null) {
            b.put(SERVER_ADDRESS, d.serverAddress);
        }
        if (metricsPerDestination && d.port > 0) {
            b.put(SERVER_PORT, d.port);
        }
        return b;
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
