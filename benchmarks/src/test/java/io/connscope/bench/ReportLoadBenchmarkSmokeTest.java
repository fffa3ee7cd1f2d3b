package io.connscope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.testsupport.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The report benchmark's smoke pass: a small report, one load, every figure measured. The figures of
 * so small a run are not asserted: the benchmark's own run at 20,000 connections is the measure.
 */
class ReportLoadBenchmarkSmokeTest {

    @Test
    void aSmallReportLoadsAndEveryFigureIsMeasured() throws Exception {
        Assumptions.assumeTrue(Chromium.available(), "chromium is not installed (.ci/run installs it)");
        Path out = Paths.get("target/smoke/RESULTS-report.md");
        ReportLoadBenchmark b = new ReportLoadBenchmark();
        b.parse(new String[] {"--exchanges", "150", "--loads", "1", "--connscope-jar", System.getProperty("connscope.agent.jar"),
            "--out", out.toString(), "--logs", "target/smoke/report-bench"});
        ReportLoadBenchmark.Measured m = b.run();
        assertThat(m.drawn).as("both sides of every exchange").isEqualTo(300);
        assertThat(m.firstView).singleElement().satisfies(v -> assertThat(v).isPositive());
        assertThat(m.filter).singleElement().satisfies(v -> assertThat(v).isPositive());
        assertThat(m.bytes).isPositive();
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.markdown(m));
        assertThat(Files.readString(out)).contains("| connections drawn | 300 |");
    }
}
