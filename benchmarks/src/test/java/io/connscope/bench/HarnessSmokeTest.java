package io.connscope.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connscope.bench.workload.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The smoke pass `mvn verify` runs: every workload, probe and the JMH hot path, in real child JVMs
 * with and without the real agent, for a few hundred milliseconds each. It checks that everything
 * runs and reports; the figures themselves are too short to judge and are not asserted.
 */
class HarnessSmokeTest {

    private static final Path CONNSCOPE = Paths.get(System.getProperty("connscope.agent.jar"));
    private static final Path OTEL = Paths.get(System.getProperty("otel.javaagent.jar"));

    @Test
    void everyWorkloadAndProbeRunsWithAndWithoutConnscope() throws Exception {
        Path out = Paths.get("target/smoke/RESULTS.md");
        Options options = Options.parse(new String[] {"--smoke", "--connscope-jar", CONNSCOPE.toString(),
            "--otel-jar", OTEL.toString(), "--out", out.toString(), "--logs", "target/smoke/logs"});
        Files.createDirectories(options.logs);
        Results results = new Harness(options).run();

        for (Setup s : List.of(Setup.NONE, Setup.CONNSCOPE)) {
            for (String w : Workloads.names()) {
                assertThat(results.median(s, w, Sample::throughput)).as("%s %s", s, w).isPositive();
                assertThat(results.median(s, w, x -> x.p99Nanos)).as("%s %s", s, w)
                    .isGreaterThanOrEqualTo(results.median(s, w, x -> x.p50Nanos)).isPositive();
                assertThat(results.median(s, w, Sample::cpuNanosPerOp)).as("%s %s", s, w).isPositive();
            }
            assertThat(Results.median(results.startupMillis, s)).isPositive();
            // Only connscope has a first start to measure, and its empty caches are filled by it.
            assertThat(results.coldStartupMillis.containsKey(s)).isEqualTo(s == Setup.CONNSCOPE);
            assertThat(Results.median(results.peakRssMib, s)).isPositive();
            assertThat(results.idleBytesPerConnection).containsKey(s);
            assertThat(results.hotPath.get(s)).containsOnlyKeys("socketWriteRead", "channelWriteRead");
        }
        // connscope really ran in its children: each wrote its exit report.
        try (var files = Files.list(options.logs)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("connscope-r1-workloads.connscope-report")))
                .singleElement().satisfies(f -> assertThat(Files.readString(f)).contains("==== connscope connection report"));
        }
        // The first start wove the JDK classes into its empty cache; the harness's shared cache holds them too.
        Path coldCache;
        try (var dirs = Files.list(options.logs)) {
            coldCache = dirs.filter(d -> d.getFileName().toString().startsWith("connscope-r1-coldstart1-"))
                .max(Comparator.comparing(d -> d.toFile().lastModified())).orElseThrow().resolve("instrument-cache");
        }
        try (var entries = Files.list(coldCache)) {
            assertThat(entries.filter(f -> f.getFileName().toString().startsWith("java.net.Socket-"))).hasSize(1);
        }
        try (var entries = Files.list(options.logs.resolve("instrument-cache"))) { // earlier builds' entries may stay
            assertThat(entries.filter(f -> f.getFileName().toString().startsWith("java.net.Socket-"))).isNotEmpty();
        }

        String markdown = new ResultsReport(options, results).markdown();
        assertThat(markdown).contains("## Throughput", "## Targets", "| huc-get |", "| churn |", "socketWriteRead",
            "Smoke pass", "first start on a host");
    }

    @Test
    void theComparisonAgentIsThereAndBadOptionsAreRefusedClearly() {
        assertThat(OTEL).isRegularFile();
        new Setup.Agents(CONNSCOPE, OTEL, CONNSCOPE).check(List.of(Setup.values()));
        assertThatThrownBy(() -> new Setup.Agents(CONNSCOPE, Paths.get("missing.jar"), null).check(List.of(Setup.BOTH)))
            .hasMessageContaining("OpenTelemetry Java agent jar").hasMessageContaining("missing.jar");
        assertThatThrownBy(() -> new Setup.Agents(CONNSCOPE, OTEL, null).check(List.of(Setup.NONE, Setup.BASELINE)))
            .hasMessage("the baseline configurations need --baseline-jar");
        assertThat(Options.parse(new String[0]).setups).as("the baseline ones only when asked for")
            .doesNotContain(Setup.BASELINE, Setup.BASELINE_OTLP).contains(Setup.CONNSCOPE, Setup.OTEL_AGENT);
        assertThatThrownBy(() -> Options.parse(new String[] {"--rounds", "zero"}))
            .hasMessage("--rounds needs a whole number >= 0, not 'zero'");
        assertThatThrownBy(() -> Options.parse(new String[] {"--configs", "connscope"}))
            .hasMessageContaining("must include none");
        assertThatThrownBy(() -> Options.parse(new String[] {"--workloads", "ftp"}))
            .hasMessageContaining("unknown workload 'ftp'");
        assertThat(Sample.fields("result workload=churn ops=3")).isEqualTo(Map.of("workload", "churn", "ops", "3"));
    }
}
