package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.PrometheusServer;
import io.connscope.testsupport.Jvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in docs/: its JSON imports into current Grafana (data sources as variables,
 * no hard-coded UIDs), and every query of every panel returns series with sane values from a real
 * Prometheus scraping the demo, configured as the README's walkthrough and docs/prometheus say. The
 * docker-compose file, which CI cannot run, is checked to use those same files and ports.
 */
class GrafanaDashboardIT {

    private static final Path PROJECT = Paths.get(System.getProperty("connscope.project.dir")).toAbsolutePath().normalize();
    private static final Path DOCS = PROJECT.resolve("docs");
    private static final Path DASHBOARD = DOCS.resolve("grafana/connscope-dashboard.json");
    private static final Path PROMETHEUS_CONFIG = DOCS.resolve("prometheus/prometheus.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-zA-Z_][a-zA-Z0-9_.]*)[^}]*}|\\$([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__from", "__to", "__org");
    /** What Grafana substitutes for the variables on a first look: every job, instance and destination; clients. */
    private static final Map<String, String> SELECTION = Map.of("$job", ".*", "$instance", ".*", "$destination", ".*",
        "$role", "client", "$__rate_interval", "10s");

    @Test
    void dashboardImportsIntoCurrentGrafana() throws Exception {
        JsonNode d = JSON.readTree(DASHBOARD.toFile());
        assertThat(d.path("schemaVersion").asInt()).isBetween(39, 41);
        assertThat(d.has("id")).as("no database id").isFalse();
        assertThat(d.has("uid")).as("no hard-coded dashboard uid: Grafana assigns one").isFalse();
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode v : d.path("templating").path("list")) {
            variables.put(v.path("name").asText(), v.path("type").asText().equals("datasource") ? v.path("query").asText() : "");
        }
        assertThat(variables).containsEntry("datasource", "prometheus").containsEntry("jaeger", "jaeger")
            .containsEntry("tempo", "tempo").containsKeys("job", "instance", "role", "destination", "service");

        // Every data source anywhere is a variable of its own type: nothing refers to one Grafana's UID.
        List<JsonNode> datasources = new ArrayList<>();
        collect(d, "datasource", datasources);
        assertThat(datasources).isNotEmpty().allSatisfy(ds -> {
            if (ds.isTextual()) { // the Explore panes' shorthand
                assertThat(ds.asText()).matches("\\$\\{(jaeger|tempo)}");
                return;
            }
            String uid = ds.path("uid").asText();
            assertThat(uid).matches("\\$\\{\\w+}");
            assertThat(variables.get(uid.substring(2, uid.length() - 1))).as(uid).isEqualTo(ds.path("type").asText());
        });

        List<String> titles = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id").isTrue();
            JsonNode g = p.path("gridPos");
            assertThat(g.path("x").asInt() + g.path("w").asInt()).isLessThanOrEqualTo(24);
            assertThat(p.path("type").asText()).isIn("row", "timeseries");
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            titles.add(p.path("title").asText());
            assertThat(p.path("targets")).isNotEmpty().allSatisfy(t -> assertThat(t.path("expr").asText()).isNotBlank());
            for (String text : texts(p)) {
                Matcher m = VARIABLE.matcher(text);
                while (m.find()) {
                    String name = m.group(1) != null ? m.group(1) : m.group(2);
                    assertThat(variables.containsKey(name) || GRAFANA_VARIABLES.contains(name) || name.startsWith("__field."))
                        .as("variable %s in %s", name, p.path("title").asText()).isTrue();
                }
            }
        }
        assertThat(titles).containsExactly("New connections/s and requests/s", "Connection reuse", "Open connections",
            "Exchanges with resends", "p95 TCP connect time", "p95 TLS handshake time", "Closes by classification",
            "Warnings by rule", "Port-exhaustion headroom", "New connections/s against the TIME_WAIT limit",
            "Telemetry dropped", "Connections tracked");
    }

    @Test
    void everyPanelQueryReturnsSaneSeriesFromARealPrometheus() throws Exception {
        Assumptions.assumeThat(Files.isExecutable(PrometheusServer.BINARY))
            .as("Debian's prometheus is not installed (.ci/run installs it); the dashboard's queries are not checked").isTrue();
        Path dir = Files.createDirectories(Paths.get("target", "grafana-it").toAbsolutePath());
        int scrapePort = PrometheusIT.freePort();
        int prometheusPort = PrometheusIT.freePort();
        long start = System.currentTimeMillis() / 1000;
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm demo = ChildJvm.on(Jvm.JDK17).exportingTo(otlp);
            for (Map.Entry<String, String> e : walkthroughEnvironment().entrySet()) {
                demo.env(e.getKey(), e.getValue());
            }
            demo.env("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
                .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
                .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(scrapePort));
            String config = Files.readString(PROMETHEUS_CONFIG);
            assertThat(config).contains("\"host.docker.internal:9464\"").contains("scrape_interval: 5s");
            Path testConfig = dir.resolve("prometheus.yml");
            Files.writeString(testConfig, config.replace("host.docker.internal:9464", "127.0.0.1:" + scrapePort)
                .replace("scrape_interval: 5s", "scrape_interval: 1s"));

            try (ChildJvm.Running running = demo.startDemo("--loop");
                 PrometheusServer prometheus = PrometheusServer.start(testConfig, dir, prometheusPort)) {
                List<JsonNode> panels = new ArrayList<>();
                for (JsonNode p : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
                    if (!p.path("type").asText().equals("row")) {
                        panels.add(p);
                    }
                }
                // Until each query has had data: some scenarios (resends, TLS) come round only once per loop.
                List<String> problems = new ArrayList<>();
                Await.holdsWithin(150, () -> {
                    problems.clear();
                    for (JsonNode p : panels) {
                        for (JsonNode t : p.path("targets")) {
                            String problem = check(prometheus, p, t.path("expr").asText(), start);
                            if (problem != null) {
                                problems.add(problem);
                            }
                        }
                    }
                    if (!problems.isEmpty()) {
                        Thread.sleep(1000); // a scrape a second: no sooner is there more to see
                    }
                    return problems.isEmpty() || !running.isAlive();
                });
                System.out.println("dashboard queries: all with data after " + (System.currentTimeMillis() / 1000 - start) + " s");
                assertThat(problems).isEmpty();
                assertThat(running.isAlive()).isTrue();

                // The variables' own queries find the scraped JVM.
                assertThat(labelValues(prometheus, "job", "connscope_connection_opened_total")).containsExactly("connscope");
                assertThat(labelValues(prometheus, "instance", "connscope_connection_opened_total"))
                    .containsExactly("127.0.0.1:" + scrapePort);
                assertThat(labelValues(prometheus, "server_address", "connscope_connection_opened_total{connscope_connection_role=\"client\"}"))
                    .isNotEmpty();
                assertThat(labelValues(prometheus, "service_name", "target_info")).containsExactly("connscope-demo");

                // Every metric in docs/telemetry.md's table reached Prometheus under its documented name: the demo's tour
                // has data for each (PrometheusIT checks the names its fixture has data for, with their types), once the
                // loop has come round to the scenario that gives it (the panels may have had data before).
                List<String> stored = new ArrayList<>();
                Await.holdsWithin(60, () -> {
                    stored.clear();
                    prometheus.api("/api/v1/label/__name__/values").forEach(v -> stored.add(v.asText()));
                    boolean all = PrometheusIT.documentedMetrics().values().stream().allMatch(metric -> stored.contains(
                        metric[1].equals("histogram") ? metric[0] + "_count" : metric[0]));
                    if (!all) {
                        Thread.sleep(1000);
                    }
                    return all || !running.isAlive();
                });
                for (String[] metric : PrometheusIT.documentedMetrics().values()) {
                    assertThat(stored).as("documented as %s", metric[0])
                        .contains(metric[1].equals("histogram") ? metric[0] + "_count" : metric[0]);
                }
                assertThat(prometheus.log()).doesNotContain("level=error");
                assertThat(running.stderr()).doesNotContain("failed").doesNotContain("Exception");
            }
        }
    }

    @Test
    void composeFileUsesTheTestedConfiguration() throws Exception {
        JsonNode services = YAML.readTree(DOCS.resolve("docker-compose.yml").toFile()).path("services");
        JsonNode jaeger = services.path("jaeger");
        assertThat(jaeger.path("image").asText()).startsWith("jaegertracing/jaeger:2.");
        assertThat(strings(jaeger.path("ports"))).containsExactlyInAnyOrder("16686:16686", "4317:4317", "4318:4318");
        assertThat(walkthroughEnvironment()).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
            .containsEntry("OTEL_METRICS_EXPORTER", "prometheus");

        JsonNode prometheus = services.path("prometheus");
        assertThat(strings(prometheus.path("volumes"))).containsExactly("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(strings(prometheus.path("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
        assertThat(strings(prometheus.path("extra_hosts"))).containsExactly("host.docker.internal:host-gateway");
        assertThat(strings(prometheus.path("ports"))).containsExactly("9090:9090");
        JsonNode scrape = YAML.readTree(PROMETHEUS_CONFIG.toFile()).path("scrape_configs").get(0);
        // 9464: the exporter's default port, which the walkthrough keeps.
        assertThat(strings(scrape.path("static_configs").get(0).path("targets"))).containsExactly("host.docker.internal:9464");
        assertThat(walkthroughEnvironment()).doesNotContainKey("OTEL_EXPORTER_PROMETHEUS_PORT");

        JsonNode grafana = services.path("grafana");
        JsonNode providers = YAML.readTree(DOCS.resolve("grafana/provisioning/dashboards/dashboards.yml").toFile());
        String dashboards = providers.path("providers").get(0).path("options").path("path").asText();
        assertThat(strings(grafana.path("volumes"))).containsExactlyInAnyOrder(
            "./grafana/provisioning:/etc/grafana/provisioning:ro",
            "./grafana/connscope-dashboard.json:" + dashboards + "/connscope-dashboard.json:ro");
        JsonNode sources = YAML.readTree(DOCS.resolve("grafana/provisioning/datasources/datasources.yml").toFile()).path("datasources");
        Map<String, String> urls = new LinkedHashMap<>();
        for (JsonNode s : sources) {
            urls.put(s.path("type").asText(), s.path("url").asText());
        }
        assertThat(urls).containsExactly(Map.entry("prometheus", "http://prometheus:9090"), Map.entry("jaeger", "http://jaeger:16686"));
        for (String volume : strings(grafana.path("volumes"))) {
            assertThat(DOCS.resolve(volume.substring(0, volume.indexOf(':')))).exists();
        }
    }

    /** Null when the query returns series over the run and every value is sane for the panel's unit. */
    private static String check(PrometheusServer prometheus, JsonNode panel, String expr, long start) throws Exception {
        String query = expr;
        for (Map.Entry<String, String> s : SELECTION.entrySet()) {
            query = query.replace(s.getKey(), s.getValue());
        }
        String unit = panel.path("fieldConfig").path("defaults").path("unit").asText();
        JsonNode result = prometheus.api("/api/v1/query_range", "query", query, "start", String.valueOf(start),
            "end", String.valueOf(System.currentTimeMillis() / 1000), "step", "2").path("result");
        int finite = 0;
        for (JsonNode series : result) {
            for (JsonNode point : series.path("values")) {
                double v = Double.parseDouble(point.get(1).asText());
                if (Double.isNaN(v)) {
                    continue; // no data in that interval: Grafana draws a gap
                }
                double max = unit.equals("percentunit") ? 1 : unit.equals("s") ? 10 : Double.MAX_VALUE;
                if (!(v >= 0 && v <= max)) {
                    return panel.path("title").asText() + ": " + v + " out of [0, " + max + "] in " + series.path("metric") + " for " + query;
                }
                finite++;
            }
        }
        return finite > 0 ? null : panel.path("title").asText() + ": no data for " + query;
    }

    private static List<String> labelValues(PrometheusServer prometheus, String label, String match) throws Exception {
        List<String> out = new ArrayList<>();
        prometheus.api("/api/v1/label/" + label + "/values", "match[]", match).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The README walkthrough's exported variables. */
    static Map<String, String> walkthroughEnvironment() throws Exception {
        String readme = Files.readString(PrometheusIT.README, StandardCharsets.UTF_8);
        int at = readme.indexOf("### See it in Jaeger and Grafana");
        assertThat(at).isNotNegative();
        String block = readme.substring(readme.indexOf("```bash", at), readme.indexOf("```\n", readme.indexOf("```bash", at) + 7));
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^export (\\w+)=(\\S+)$").matcher(block);
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        assertThat(env).isNotEmpty();
        return env;
    }

    private static void collect(JsonNode node, String field, List<JsonNode> out) throws Exception {
        if (node.isObject()) {
            if (node.has(field)) {
                out.add(node.get(field));
            }
            for (JsonNode child : node) {
                collect(child, field, out);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                collect(child, field, out);
            }
        } else if (node.isTextual() && node.asText().startsWith("/explore")) {
            // Data links carry an Explore pane as JSON in the URL.
            String url = node.asText();
            collect(JSON.readTree(url.substring(url.indexOf("panes=") + "panes=".length())), field, out);
        }
    }

    /** Every string in the panel: queries, legends, link titles and URLs. */
    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(child -> out.addAll(texts(child)));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
