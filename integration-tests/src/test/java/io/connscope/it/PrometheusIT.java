package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.ScrapedApp;
import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.PromScrape;
import io.connscope.testsupport.Jvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OTEL_METRICS_EXPORTER=prometheus serves a scrape endpoint on the standard port setting, with the
 * names docs/telemetry.md documents and exact totals, next to OTLP metrics; its own scrapes are not tracked.
 */
class PrometheusIT {

    static final Path README = Paths.get(System.getProperty("connscope.project.dir"), "README.md");
    /** The reference that lists every metric. */
    static final Path TELEMETRY_DOC = Paths.get(System.getProperty("connscope.project.dir"), "docs", "telemetry.md");
    private static final Pattern METRIC_ROW = Pattern.compile("(?m)^\\| `([a-z_.]+)` \\| `([a-z_]+)` \\| ([a-z -]+) \\|");

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void scrapeEndpointServesExactTotalsUnderTheDocumentedNames(Jvm jvm) throws Exception {
        int scrapePort = freePort();
        try (OtlpReceiver otlp = OtlpReceiver.start();
             ChildJvm.Running app = ChildJvm.on(jvm).exportingTo(otlp)
                 .env("OTEL_METRICS_EXPORTER", "prometheus,otlp")
                 .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
                 .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(scrapePort))
                 .startFixture(ScrapedApp.class)) {
            Await.until("the fixture's traffic", 60, () -> app.stdout().contains("expect: port="));
            Map<String, String> expect = expectLine(app.stdout());
            String port = expect.get("port");
            Map<String, String> client = Map.of("connscope_connection_role", "client", "server_port", port);
            Map<String, String> server = Map.of("connscope_connection_role", "server", "server_port", port);
            // Connections are counted once settled, about 200 ms after their close.
            // The endpoint starts with the SDK, on connscope's export thread, possibly after the traffic. Closes are
            // counted at once; histograms and exchanges once the export thread has settled each connection.
            Await.until("six settled and exported connections", 30, () -> {
                PromScrape s = PromScrape.tryOf(scrapePort);
                return s != null && s.sum("connscope_connection_closed_total", client) == 3
                    && s.sum("connscope_connection_closed_total", server) == 3
                    && s.sum("connscope_http_connection_requests_count", client) == 3
                    && s.sum("connscope_http_connection_requests_count", server) == 3
                    && s.sum("connscope_connect_duration_seconds_count", client) == 3;
            });
            PromScrape s = PromScrape.of(scrapePort);

            assertThat(s.contentType).startsWith("text/plain; version=0.0.4");
            assertThat(s.sum("connscope_connection_opened_total", client)).isEqualTo(3);
            assertThat(s.sum("connscope_connection_opened_total", server)).isEqualTo(3);
            assertThat(s.sum("connscope_connection_open", client)).isZero();
            assertThat(s.sum("connscope_connect_duration_seconds_count", client)).isEqualTo(3);
            assertThat(s.sum("connscope_http_exchanges_total", client)).isEqualTo(5);
            assertThat(s.sum("connscope_http_exchanges_total", server)).isEqualTo(5);
            // The conventions' request durations, every exchange, without connscope's role (their names say it).
            assertThat(s.sum("http_client_request_duration_seconds_count", Map.of("server_port", port))).isEqualTo(5);
            assertThat(s.sum("http_server_request_duration_seconds_count", Map.of("server_port", port))).isEqualTo(5);
            assertThat(s.select("connscope_http_resends_total", client)).isEmpty();
            assertThat(s.sum("connscope_http_connection_requests_count", client)).isEqualTo(3);
            assertThat(s.sum("connscope_http_connection_requests_sum", client)).isEqualTo(5);
            assertThat(s.sum("connscope_http_connection_requests_bucket", with(client, "le", "1.0"))).isEqualTo(2);
            assertThat(s.sum("connscope_http_connection_requests_bucket", with(client, "le", "5.0"))).isEqualTo(3);
            assertThat(s.sum("connscope_http_client_reuse_ratio", client)).isEqualTo(1 - 3 / 5.0);
            long clientSent = Long.parseLong(expect.get("client_sent"));
            long serverSent = Long.parseLong(expect.get("server_sent"));
            assertThat(s.sum("connscope_connection_io_bytes_total", with(client, "network_io_direction", "transmit"))).isEqualTo(clientSent);
            assertThat(s.sum("connscope_connection_io_bytes_total", with(client, "network_io_direction", "receive"))).isEqualTo(serverSent);
            assertThat(s.sum("connscope_connection_io_bytes_total", with(server, "network_io_direction", "transmit"))).isEqualTo(serverSent);
            assertThat(s.sum("connscope_connection_tracked", Map.of())).isZero();
            // Every head complete, nothing refused: the analysis holds nothing between messages.
            assertThat(s.sum("connscope_analysis_memory_used_bytes", Map.of())).isZero();
            assertThat(s.sum("connscope_analysis_refused_total", Map.of())).isZero();
            assertThat(s.sum("connscope_tcp_connect_rate_limit_per_second", Map.of())).isEqualTo(localPorts() / 60.0);
            assertThat(s.select("target_info", Map.of("service_name", "connscope-it"))).hasSize(1);
            // The SDK's own metrics keep the SDK's scope names: connscope's relocation of the SDK does not show.
            Await.until("the SDK's batch processor metrics over OTLP", 30,
                () -> otlp.metricScopes().contains("io.opentelemetry.sdk.trace"));
            assertThat(otlp.metricScopes()).contains("io.connscope").noneMatch(scope -> scope.contains("shaded"));

            // Every documented metric with data here is served under its documented Prometheus name and type; the
            // others are checked against the demo's traffic in GrafanaDashboardIT.
            Map<String, String[]> documented = documentedMetrics();
            assertThat(documented).hasSize(26);
            List<String> noDataHere = List.of("connscope.tls.handshake.duration", "connscope.http.resends", "connscope.warnings",
                "http.client.open_connections", "connscope.websocket.sessions", "dns.lookup.duration");
            for (Map.Entry<String, String[]> m : documented.entrySet()) {
                if (noDataHere.contains(m.getKey())) {
                    continue;
                }
                String promName = m.getValue()[0];
                assertThat(s.types).as("%s as %s", m.getKey(), promName).containsKey(promName);
                assertThat(s.types.get(promName)).as(promName).isEqualTo(prometheusType(m.getValue()[1]));
            }
            assertThat(s.types.keySet()).as("every connscope family served is documented")
                .filteredOn(n -> n.startsWith("connscope_") || n.startsWith("http_"))
                .allMatch(n -> documented.values().stream().anyMatch(d -> d[0].equals(n)));

            // The scrapes themselves are connscope's own traffic: after several, none of them is a connection.
            assertThat(PromScrape.of(scrapePort).samples).noneMatch(x -> String.valueOf(scrapePort).equals(x.labels.get("server_port")));
            Thread.sleep(600);
            assertThat(PromScrape.of(scrapePort).samples).noneMatch(x -> String.valueOf(scrapePort).equals(x.labels.get("server_port")));

            // OpenMetrics, for a scraper that asks for it; the same totals.
            PromScrape open = PromScrape.of(scrapePort, "application/openmetrics-text; version=1.0.0");
            assertThat(open.contentType).startsWith("application/openmetrics-text");
            assertThat(open.sum("connscope_connection_opened_total", client)).isEqualTo(3);

            // OTLP metrics still flow beside the scrape endpoint.
            Await.until("OTLP metrics", 30, () -> MetricsAssert.lastSum(otlp, "connscope.connection.opened", "client",
                Integer.parseInt(port)) == 3);
            assertThat(app.stderr()).doesNotContain("Exception").doesNotContain("failed");
        }
    }

    @Test
    void aTakenPortIsSaidInOneLineAndTheApplicationRunsOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17)
                .env("OTEL_METRICS_EXPORTER", "prometheus")
                .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
                .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(taken.getLocalPort()))
                .demo("healthy").assertSuccess();
            assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] OpenTelemetry configuration failed")))
                .singleElement().asString().endsWith("caused by java.net.BindException: Address already in use");
            assertThat(run.stderr).contains("==== connscope connection report ====");
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Metric name to {Prometheus name, type}, from the metrics table of docs/telemetry.md. */
    static Map<String, String[]> documentedMetrics() throws Exception {
        Map<String, String[]> out = new LinkedHashMap<>();
        Matcher m = METRIC_ROW.matcher(Files.readString(TELEMETRY_DOC, StandardCharsets.UTF_8));
        while (m.find()) {
            out.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        return out;
    }

    private static String prometheusType(String otelType) {
        switch (otelType) {
            case "counter":
                return "counter";
            case "histogram":
                return "histogram";
            default: // gauge, up-down counter
                return "gauge";
        }
    }

    private static long localPorts() throws Exception {
        String[] range = Files.readAllLines(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        return Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        out.put(key, value);
        return out;
    }

    private static Map<String, String> expectLine(String stdout) {
        Map<String, String> out = new LinkedHashMap<>();
        String line = stdout.lines().filter(l -> l.startsWith("expect: ")).findFirst().orElseThrow();
        for (String kv : line.substring("expect: ".length()).split(" ")) {
            String[] p = kv.split("=", 2);
            out.put(p[0], p[1]);
        }
        return out;
    }
}
