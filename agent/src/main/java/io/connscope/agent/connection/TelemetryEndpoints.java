package io.connscope.agent.connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OTLP collectors this JVM exports to: connections to them are telemetry, not the application's
 * traffic, and are not followed. Another OpenTelemetry agent or SDK in the JVM (the OpenTelemetry Java
 * agent, say) reads the same {@code OTEL_*} settings, so these are its collectors too; the OTLP default
 * ports on localhost are included because that is where such an agent sends without settings.
 * Matching compares the host as the connection names it, so no name is ever resolved.
 */
public final class TelemetryEndpoints {

    private static final List<String> OTLP_DEFAULTS = List.of("http://localhost:4318", "http://localhost:4317");

    private final List<String> hosts = new ArrayList<>();
    /** The port of each host, by index; an int array so that a connect's check allocates nothing. */
    private int[] ports = new int[0];
    private final AtomicLong ignored = new AtomicLong();

    private TelemetryEndpoints() {
    }

    /** Nothing is excluded: connections to collectors are followed like any other. */
    public static TelemetryEndpoints none() {
        return new TelemetryEndpoints();
    }

    /** The given endpoint URLs (unparseable ones are left out) and the OTLP defaults on localhost. */
    public static TelemetryEndpoints of(Collection<String> endpoints) {
        TelemetryEndpoints t = new TelemetryEndpoints();
        List<String> all = new ArrayList<>(endpoints);
        all.addAll(OTLP_DEFAULTS);
        for (String e : all) {
            try {
                URI uri = URI.create(e.trim());
                String host = uri.getHost();
                if (host == null) {
                    continue;
                }
                int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                t.hosts.add(host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", ""));
                t.ports = Arrays.copyOf(t.ports, t.ports.length + 1);
                t.ports[t.ports.length - 1] = port;
            } catch (IllegalArgumentException badUrl) {
                // the OpenTelemetry setup reports it
            }
        }
        return t;
    }

    /** True, and counted, when a connection to this address goes to a collector. */
    boolean isCollector(InetSocketAddress target) {
        if (target == null) {
            return false;
        }
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] != target.getPort()) {
                continue;
            }
            String host = hosts.get(i);
            InetAddress address = target.getAddress();
            boolean same = host.equalsIgnoreCase(target.getHostString())
                || address != null && (host.equals(address.getHostAddress())
                    || address.isLoopbackAddress() && isLoopbackName(host));
            if (same) {
                ignored.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopbackName(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** Connections to collectors that were not followed. */
    public long ignored() {
        return ignored.get();
    }
}
