package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Waits for a pooled connection, counted at the destination a library's route names, through its public getters. */
class PoolLeasesTest {

    private static final long MS = 1_000_000L;

    private final Destinations destinations = new Destinations(10);
    private final PoolLeases leases = new PoolLeases(destinations);

    /** Apache HttpClient 5's shape: HttpRoute.getTargetHost(), then HttpHost's getters. */
    public static final class Route {
        private final Host target;

        Route(Host target) {
            this.target = target;
        }

        public Host getTargetHost() {
            return target;
        }
    }

    public static final class Host {
        private final String name;
        private final int port;
        private final String scheme;

        Host(String name, int port, String scheme) {
            this.name = name;
            this.port = port;
            this.scheme = scheme;
        }

        public String getHostName() {
            return name;
        }

        public int getPort() {
            return port;
        }

        public String getSchemeName() {
            return scheme;
        }
    }

    @Test
    void waitsAreCountedAtAFollowedDestinationAndLeasesThatDidNotWaitAreNot() {
        Destination api = destinations.of(Role.CLIENT, "api", 8080);
        Destination tls = destinations.of(Role.CLIENT, "secure", 443);
        leases.waited(new Route(new Host("api", 8080, "http")), null, 10 * MS, 10 * MS + 1000); // a free connection
        leases.waited(new Route(new Host("api", 8080, "http")), null, 20 * MS, 45 * MS);
        leases.waited(new Route(new Host("api", 8080, "http")), new IllegalStateException("aborted"), 30 * MS, 1030 * MS);
        leases.waited(new Route(new Host("secure", -1, "https")), null, 40 * MS, 62 * MS); // the scheme's port
        leases.waited(new Route(new Host("unfollowed", 80, "http")), null, 40 * MS, 90 * MS);
        leases.waited(new Object(), null, 40 * MS, 90 * MS); // no getTargetHost(): not counted, nothing thrown

        PoolWaits.Summary all = api.stats.poolWaits.between(0, 2000 * MS);
        assertThat(all.leases).isEqualTo(2);
        assertThat(all.totalNanos).isEqualTo(1025 * MS);
        assertThat(all.timedOut).as("not the pool's timeout").isZero();
        assertThat(api.stats.poolWaits.between(45 * MS, 2000 * MS).leases).as("ended after the stretch began").isEqualTo(1);
        assertThat(tls.stats.poolWaits.between(0, 2000 * MS).leases).isEqualTo(1);
        assertThat(destinations.existing(Role.CLIENT, "unfollowed", 80)).as("not made by a wait").isNull();
    }
}
