package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.PromScrape;
import io.connscope.testsupport.Jvm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The looping demo, scraped as Prometheus scrapes it, under each setting that bounds the series:
 * by default the series grow with destinations; {@code connscope.metrics.per.destination=false}
 * keeps them to one set whatever the destinations; the include and exclude rules leave connections
 * out entirely. Each count is taken after the demo's second and third rounds (the demo's servers
 * keep their ports from round to round, as a service's destinations stay put, but a port taken
 * meanwhile moves one to a new port: a new destination). docs/telemetry.md#cardinality gives the
 * figures this prints.
 */
class CardinalityIT {

    /** The series of connscope's own health, which name no destination: the whole scrape when nothing is followed. */
    private static final List<String> GLOBAL_FAMILIES = List.of("connscope_analysis_memory_used_bytes",
        "connscope_analysis_refused_total", "connscope_connection_tracked", "connscope_stacks_unfollowed",
        "connscope_tcp_connect_rate_limit_per_second", "connscope_telemetry_dropped_total", "target_info");
    private static final String LOOPBACK = "127.0.0.0/8 ::1 localhost";

    @Test
    void seriesGrowWithDestinationsOnlyWhenMetricsNameThem() throws Exception {
        Scrapes byDestination = loop("");
        Scrapes collapsed = loop("metrics.per.destination=false");

        // By default each destination has its own series: about a hundred (histograms are most of them).
        Map<String, Long> perDestination = byDestination.third.samples.stream().filter(s -> s.labels.containsKey("server_port"))
            .collect(Collectors.groupingBy(CardinalityIT::destination, Collectors.counting()));
        long withDestination = perDestination.values().stream().mapToLong(Long::longValue).sum();
        long global = byDestination.third.samples.size() - withDestination;
        System.out.printf("CardinalityIT: by destination, after rounds 2 and 3: %d and %d series, %d destinations,"
                + " %.0f series per destination (fewest %d, most %d), %d without one%n", byDestination.second.samples.size(),
            byDestination.third.samples.size(), perDestination.size(), (double) withDestination / perDestination.size(),
            perDestination.values().stream().min(Comparator.naturalOrder()).orElseThrow(),
            perDestination.values().stream().max(Comparator.naturalOrder()).orElseThrow(), global);
        assertThat(perDestination.size()).as("the demo's destinations, both roles").isGreaterThan(100);
        assertThat(perDestination.values()).allMatch(n -> n <= 200);
        assertThat(byDestination.third.samples).filteredOn(s -> s.labels.containsKey("server_address"))
            .allMatch(s -> "client".equals(s.labels.get("connscope_connection_role")) || s.name.startsWith("http_client"));

        // Without destinations, one set of series: the same after round 3 as after round 2, though the demo's
        // destinations are not all the same, and a small fraction of the count by destination.
        System.out.printf("CardinalityIT: without destinations, after rounds 2 and 3: %d and %d series%n",
            collapsed.second.samples.size(), collapsed.third.samples.size());
        assertThat(collapsed.third.samples).noneMatch(s -> s.labels.containsKey("server_address")
            || s.labels.containsKey("server_port"));
        assertThat(collapsed.third.samples).hasSameSizeAs(collapsed.second.samples);
        assertThat(collapsed.third.samples.size()).isLessThan(byDestination.third.samples.size() / 5);
        // The totals are the same, only no longer split: every connection the demo opened, under its role.
        assertThat(collapsed.third.sum("connscope_connection_opened_total", Map.of("connscope_connection_role", "client")))
            .isPositive();
        assertThat(collapsed.third.select("connscope_connection_opened_total", Map.of())).hasSize(2);
        assertThat(collapsed.stderr).contains("; metrics without destinations;");
    }

    @Test
    void connectionsTheRulesLeaveOutHaveNoSeries() throws Exception {
        // Every destination of the demo is on loopback: excluding loopback and every listening port leaves only
        // connscope's own health.
        Scrapes nothing = loop("destinations.exclude=" + LOOPBACK + ",listen.ports.exclude=1-65535");
        System.out.printf("CardinalityIT: nothing followed: %d series%n", nothing.third.samples.size());
        TreeSet<String> families = nothing.third.samples.stream().map(s -> s.name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(families).containsExactlyElementsOf(new TreeSet<>(GLOBAL_FAMILIES));
        assertThat(nothing.third.samples).hasSize(13); // telemetry_dropped: 7 item and reason pairs
        assertThat(nothing.stderr).contains("; following destinations not in " + LOOPBACK
            + "; listening ports not in 1-65535;");

        // Only what the demo reaches by the name localhost (its TLS HTTP/2 and gRPC clients among them), client side.
        Scrapes localhost = loop("destinations.include=localhost,listen.ports.exclude=1-65535");
        List<PromScrape.Sample> named = localhost.third.samples.stream().filter(s -> s.labels.containsKey("server_port"))
            .collect(Collectors.toList());
        System.out.printf("CardinalityIT: only localhost, client side: %d series, %d destinations%n",
            localhost.third.samples.size(), named.stream().map(CardinalityIT::destination).distinct().count());
        assertThat(named).isNotEmpty().allMatch(s -> "localhost".equals(s.labels.get("server_address")));
        assertThat(named).filteredOn(s -> s.labels.containsKey("connscope_connection_role"))
            .allMatch(s -> s.labels.get("connscope_connection_role").equals("client"));
        assertThat(localhost.third.select("http_server_request_duration_seconds_count", Map.of())).isEmpty();
    }

    private static String destination(PromScrape.Sample s) {
        return s.labels.getOrDefault("connscope_connection_role", s.name.startsWith("http_server") ? "server" : "client")
            + " " + s.labels.getOrDefault("server_address", "") + ":" + s.labels.get("server_port");
    }

    /** The looping demo with these agent arguments, scraped once its second and third rounds are done. */
    private static Scrapes loop(String agentArgs) throws Exception {
        int port = PrometheusIT.freePort();
        try (ChildJvm.Running demo = ChildJvm.on(Jvm.JDK17).agentArgs("report.enabled=false," + agentArgs)
            .env("OTEL_METRICS_EXPORTER", "prometheus").env("OTEL_TRACES_EXPORTER", "none").env("OTEL_LOGS_EXPORTER", "none")
            .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1").env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(port))
            .startDemo("--loop")) {
            PromScrape second = afterRounds(demo, 2, port);
            PromScrape third = afterRounds(demo, 3, port);
            return new Scrapes(second, third, demo.stderr());
        }
    }

    /** A scrape once {@code rounds} rounds are over and their connections settled. */
    private static PromScrape afterRounds(ChildJvm.Running demo, int rounds, int port) throws Exception {
        Await.until(rounds + " rounds of the demo", 180, () -> started(demo.stdout()) > rounds);
        Thread.sleep(1000); // connections are counted once settled, about 200 ms after their close
        return PromScrape.of(port);
    }

    /** Rounds started: each begins with the same first scenario. */
    private static long started(String stdout) {
        List<String> starts = stdout.lines().filter(l -> l.startsWith("expect: scenario="))
            .map(l -> l.substring(0, l.indexOf(" started.ms="))).collect(Collectors.toList());
        return starts.isEmpty() ? 0 : starts.stream().filter(starts.get(0)::equals).count();
    }

    private static final class Scrapes {
        final PromScrape second;
        final PromScrape third;
        final String stderr;

        Scrapes(PromScrape second, PromScrape third, String stderr) {
            this.second = second;
            this.third = third;
            this.stderr = stderr;
        }
    }
}
