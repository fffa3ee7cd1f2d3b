package io.connscope.agent.connection;

import io.connscope.agent.runtime.AgentLog;
import java.lang.reflect.Method;

/**
 * Waits for a pooled connection, from a client library's pool (see PoolLeaseAdvice), counted at the
 * destination the library's route names. The route is the library's own object, read through its
 * public getters (Apache HttpClient 5: {@code HttpRoute.getTargetHost()}, then {@code HttpHost}'s
 * host name, port and scheme): this class cannot link to a library it does not ship. Only
 * destinations connscope already follows count waits. A lease that did not wait never comes here
 * (PoolBridge checks), so it costs the application a clock read and a comparison.
 */
final class PoolLeases {

    private final Destinations destinations;
    /** The getters, per route class: one library, one class, in practice. */
    private final ClassValue<Getters> getters = new ClassValue<>() {
        @Override
        protected Getters computeValue(Class<?> type) {
            return Getters.of(type);
        }
    };

    PoolLeases(Destinations destinations) {
        this.destinations = destinations;
    }

    /** A lease that took at least {@link io.connscope.bridge.PoolBridge#MIN_WAIT_NANOS}. */
    void waited(Object route, Throwable failure, long startNanos, long endNanos) {
        long wait = endNanos - startNanos;
        if (route == null) {
            return;
        }
        Getters g = getters.get(route.getClass());
        if (g.targetHost == null) {
            return;
        }
        try {
            Object host = g.targetHost.invoke(route);
            String name = (String) g.hostName(host).invoke(host);
            int port = (Integer) g.port(host).invoke(host);
            if (port < 0) {
                port = "https".equalsIgnoreCase((String) g.scheme(host).invoke(host)) ? 443 : 80;
            }
            Destination d = destinations.existing(Role.CLIENT, name, port);
            if (d != null) {
                d.stats.poolWaits.add(endNanos, wait, failure == null ? null : failure.getClass().getName());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.once("pool-route", "could not read a connection pool's route (" + route.getClass().getName()
                + "); its waits are not counted: " + e, e);
        }
    }

    /** A route class's target-host getter (null when it has none), and the target host's own getters, looked up once. */
    private static final class Getters {
        final Method targetHost;
        private volatile Method hostName;
        private volatile Method port;
        private volatile Method scheme;

        private Getters(Method targetHost) {
            this.targetHost = targetHost;
        }

        static Getters of(Class<?> route) {
            try {
                return new Getters(route.getMethod("getTargetHost"));
            } catch (NoSuchMethodException | RuntimeException e) {
                AgentLog.once("pool-route-getters", "a connection pool's route " + route.getName()
                    + " has no getTargetHost(); its waits are not counted", e);
                return new Getters(null);
            }
        }

        Method hostName(Object host) throws NoSuchMethodException {
            Method m = hostName;
            return m != null ? m : (hostName = host.getClass().getMethod("getHostName"));
        }

        Method port(Object host) throws NoSuchMethodException {
            Method m = port;
            return m != null ? m : (port = host.getClass().getMethod("getPort"));
        }

        Method scheme(Object host) throws NoSuchMethodException {
            Method m = scheme;
            return m != null ? m : (scheme = host.getClass().getMethod("getSchemeName"));
        }
    }
}
