package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.HTTP_CONNECTION_STATE;
import static io.connscope.agent.export.Semconv.NETWORK_PROTOCOL_VERSION;
import static io.connscope.agent.export.Semconv.SERVER_ADDRESS;
import static io.connscope.agent.export.Semconv.SERVER_PORT;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpConnection;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code http.client.open_connections}, as the HTTP conventions define it: the outbound connections
 * that carry HTTP, open now, by destination, HTTP version and state ({@code active} with a request in
 * flight, else {@code idle}). Client connections only, by its name, so without connscope's role.
 */
final class OpenHttpConnections {

    private OpenHttpConnections() {
    }

    /** @param perDestination whether server.address and server.port are recorded (connscope.metrics.per.destination) */
    static void register(Meter meter, Supplier<List<ConnectionRecord>> openConnections, boolean perDestination) {
        meter.upDownCounterBuilder("http.client.open_connections").setUnit("{connection}")
            .setDescription("Outbound HTTP connections open now: active (a request in flight) or idle.")
            .buildWithCallback(m -> record(openConnections.get(), m, perDestination));
    }

    private static void record(List<ConnectionRecord> open, ObservableLongMeasurement m, boolean perDestination) {
        // {active, idle} by destination (or all under null), then by HTTP version
        Map<Destination, Map<String, long[]>> counts = new HashMap<>();
        for (ConnectionRecord r : open) {
            HttpConnection http = r.http();
            if (r.role() == Role.CLIENT && !r.isFinished() && http != null && http.seenHttp()) {
                counts.computeIfAbsent(perDestination ? r.destination() : null, d -> new HashMap<>())
                    .computeIfAbsent(String.valueOf(http.version()), v -> new long[2])[http.inFlight() ? 0 : 1]++;
            }
        }
        for (Map.Entry<Destination, Map<String, long[]>> d : counts.entrySet()) {
            for (Map.Entry<String, long[]> v : d.getValue().entrySet()) {
                AttributesBuilder b = Attributes.builder();
                if (d.getKey() != null) { // null: every destination in one
                    if (d.getKey().serverAddress != null) {
                        b.put(SERVER_ADDRESS, d.getKey().serverAddress);
                    }
                    b.put(SERVER_PORT, d.getKey().port);
                }
                b.put(NETWORK_PROTOCOL_VERSION, v.getKey());
                m.record(v.getValue()[0], b.put(HTTP_CONNECTION_STATE, "active").build());
                m.record(v.getValue()[1], b.put(HTTP_CONNECTION_STATE, "idle").build());
            }
        }
    }
}
