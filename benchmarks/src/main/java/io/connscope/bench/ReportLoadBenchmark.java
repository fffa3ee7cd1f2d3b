package io.connscope.bench;

import io.connscope.bench.child.ConnectionBurst;
import io.connscope.testsupport.Chromium;
import io.connscope.testsupport.ChromiumPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How the HTML report behaves at scale, in a real browser: a child JVM with connscope makes N
 * loopback HTTP exchanges, each on a new connection (2 × N connections, both sides), and writes its
 * HTML report at exit; Debian's headless Chromium then loads it several times, and each time the
 * page says when its first view was ready (ms from the start of navigation: reading the file,
 * parsing the data, the first rows drawn), and how long a filter, a zoom and a scroll to the end take
 * in the page, layout included. The figures are the medians of the loads, set against the budget.
 *
 * <p>{@code java -cp connscope-benchmarks.jar io.connscope.bench.ReportLoadBenchmark [options]}
 */
public final class ReportLoadBenchmark {

    static final String USAGE = String.join("\n",
        "usage: java -cp connscope-benchmarks.jar io.connscope.bench.ReportLoadBenchmark [options]",
        "  --exchanges N          exchanges, each on a new connection: 2 x N connections in the report (10000)",
        "  --loads N              page loads measured (5)",
        "  --budget-ms MS         most time the first view may take (1000)",
        "  --connscope-jar PATH   (agent/target/connscope-agent.jar)",
        "  --out FILE             Markdown results (benchmarks/RESULTS-report.md)",
        "  --logs DIR             the child's stderr and the report (benchmarks/target/report-bench)");
    private static final Duration WAIT = Duration.ofSeconds(120);

    int exchanges = 10_000;
    int loads = 5;
    long budgetMillis = 1000;
    Path connscopeJar = Paths.get("agent/target/connscope-agent.jar");
    Path out = Paths.get("benchmarks/RESULTS-report.md");
    Path logs = Paths.get("benchmarks/target/report-bench");

    /** One measured run: the report's size, and per load the page's own timings. */
    static final class Measured {
        long drawn;
        long bytes;
        long burstMillis;
        final List<Double> firstView = new ArrayList<>();
        final List<Double> filter = new ArrayList<>();
        final List<Double> zoom = new ArrayList<>();
        final List<Double> scroll = new ArrayList<>();
    }

    public static void main(String[] args) throws Exception {
        ReportLoadBenchmark b = new ReportLoadBenchmark();
        try {
            b.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        Measured m = b.run();
        String markdown = b.markdown(m);
        Files.createDirectories(b.out.toAbsolutePath().getParent());
        Files.writeString(b.out, markdown);
        System.out.println(markdown);
        System.out.println("written to " + b.out.toAbsolutePath());
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--exchanges": exchanges = positive(a, v); break;
                case "--loads": loads = positive(a, v); break;
                case "--budget-ms": budgetMillis = positive(a, v); break;
                case "--connscope-jar": connscopeJar = Paths.get(v); break;
                case "--out": out = Paths.get(v); break;
                case "--logs": logs = Paths.get(v); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!Files.isRegularFile(connscopeJar)) {
            throw new IllegalArgumentException("no connscope agent jar at " + connscopeJar.toAbsolutePath()
                + " (build it first: mvn -q -DskipTests package)");
        }
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new IllegalArgumentException(option + " needs a whole number above 0, not '" + value + "'");
    }

    Measured run() throws IOException, InterruptedException {
        if (!Chromium.available()) {
            throw new IllegalStateException("the report benchmark needs /usr/bin/chromium (apt-get install chromium)");
        }
        Files.createDirectories(logs);
        Path html = logs.resolve("report.html").toAbsolutePath();
        Files.deleteIfExists(html);
        List<String> jvm = List.of("-Xmx512m", "-javaagent:" + connscopeJar.toAbsolutePath() + "=report.html=" + html
            + ",report.connections=" + 2 * exchanges + ",report.file=" + logs.resolve("report.txt").toAbsolutePath());
        ChildJvm.Output burst = new ChildJvm(Harness.childClassPath(), logs).run("burst", jvm,
            ConnectionBurst.class.getName(), List.of(Integer.toString(exchanges)), 600);
        Measured m = new Measured();
        m.burstMillis = Long.parseLong(Sample.fields(burst.first("burst ")).get("millis"));
        m.bytes = Files.size(html);
        try (Chromium browser = Chromium.launch(1400, 1000)) {
            for (int i = 0; i < loads; i++) {
                ChromiumPage page = browser.open(html.toUri().toString(), 1400, 1000);
                page.waitFor("document.body.getAttribute('data-rendered') === 'true'", WAIT);
                m.firstView.add(Double.parseDouble(page.eval("document.body.getAttribute('data-render-ms')").asText()));
                m.drawn = Long.parseLong(page.eval("document.getElementById('count').getAttribute('data-shown')").asText());
                // Each interaction as the page does it, then a forced layout, timed in the page.
                m.filter.add(timed(page, "const f = document.getElementById('f-text'); f.value = '#" + exchanges
                    + "'; f.dispatchEvent(new Event('input')); f.value = ''; f.dispatchEvent(new Event('input'));"));
                m.zoom.add(timed(page, "document.getElementById('rows').focus();"
                    + " document.getElementById('rows').dispatchEvent(new KeyboardEvent('keydown', {key: '+', bubbles: true}));"));
                m.scroll.add(timed(page, "const r = document.getElementById('rows'); r.scrollTop = r.scrollHeight;"
                    + " r.dispatchEvent(new Event('scroll'));"));
                if (!page.problems().isEmpty()) {
                    throw new IllegalStateException("the page reported errors: " + page.problems());
                }
            }
        }
        return m;
    }

    /** Milliseconds the page takes to run {@code script} and lay the result out. */
    private static double timed(ChromiumPage page, String script) {
        return page.eval("(() => { const t0 = performance.now(); " + script
            + " document.body.offsetHeight; return performance.now() - t0; })()").asDouble();
    }

    String markdown(Measured m) {
        double first = Results.median(m.firstView);
        return String.join("\n",
            "# The HTML report at scale",
            "",
            "Measured by `ReportLoadBenchmark` (`java -cp benchmarks/target/connscope-benchmarks.jar"
                + " io.connscope.bench.ReportLoadBenchmark`), in Debian's headless Chromium at 1,400 × 1,000.",
            "A child JVM with connscope made " + exchanges + " HTTP exchanges on as many new loopback connections ("
                + m.burstMillis + " ms); both sides are followed, so the report holds " + 2 * exchanges
                + " connections. Medians of " + m.firstView.size() + " page loads.",
            "",
            "| figure | value |",
            "|---|---|",
            "| connections drawn | " + m.drawn + " |",
            "| report file | " + String.format(Locale.ROOT, "%.1f MiB", m.bytes / 1048576.0) + " |",
            "| first view ready (navigation to rows drawn) | " + ms(first) + " (budget " + budgetMillis + " ms: "
                + (first <= budgetMillis ? "met" : "NOT met") + "; slowest load " + ms(Collections.max(m.firstView)) + ") |",
            "| filter by id, then clear it (2 refilters) | " + ms(Results.median(m.filter)) + " |",
            "| zoom in by the keyboard | " + ms(Results.median(m.zoom)) + " |",
            "| scroll to the last row | " + ms(Results.median(m.scroll)) + " |",
            "");
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }
}
