package io.connscope.bench;

import io.connscope.bench.workload.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** RESULTS.md: the machine, the command, the tables as ratios to no agent, and the targets. */
final class ResultsReport {

    /** Added allocation per hot-path operation below this is JMH's measurement noise, not allocation. */
    static final double ZERO_ALLOCATION_NOISE = 0.5;

    private final Options options;
    private final Results r;
    private final List<Setup> others = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();

    ResultsReport(Options options, Results results) {
        this.options = options;
        this.r = results;
        for (Setup s : options.setups) {
            if (s != Setup.NONE) {
                others.add(s);
            }
        }
    }

    String markdown() {
        md.append("# connscope overhead: results\n\n");
        if (options.smoke) {
            md.append("**Smoke pass: durations far too short for the figures to mean anything.**\n\n");
        }
        machine();
        throughput();
        latency();
        perOperation("Bytes allocated per request", "B", Sample::bytesPerOp, 1);
        perOperation("CPU per request, all threads of the process", "µs", s -> s.cpuNanosPerOp() / 1000, 1);
        addedCpu();
        perOperation("Warm-up until the JIT was quiet", "s", s -> s.warmupMillis / 1000.0, 1);
        startupAndMemory();
        hotPath();
        targets();
        return md.toString();
    }

    private void machine() {
        line("- Date: " + LocalDate.now(ZoneOffset.UTC));
        line("- Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
            + memTotal() + ", Linux " + System.getProperty("os.version"));
        line("- JDK: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
            + " (" + System.getProperty("java.vm.name") + ")");
        line("- Agents: connscope " + options.connscopeJar.getFileName() + ", OpenTelemetry Java agent "
            + otelVersion());
        line("- Command: `benchmarks/run.sh " + String.join(" ", options.commandLine)
            + "` (it builds the jars, then runs `java -jar benchmarks/target/connscope-benchmarks.jar` with these arguments)");
        line("- Design: " + options.rounds + " rounds; each round runs every configuration once, in an order rotated"
            + " per round. Every workload: one client thread on loopback (two against a minimal HTTP responder in the"
            + " -fast workloads, which keep both cores busy), warmed up for at least "
            + options.warmupMillis + " ms and then until the JIT compilers were quiet (under 20 ms of compilation in a"
            + " second; at most " + options.warmupMaxMillis + " ms), then " + options.measureMillis + " ms measured,"
            + " in a fresh child JVM per configuration and round, every child with -Xmx" + options.heapMib + "m."
            + " Figures are medians over rounds; ratios are to no agent.");
        line("- Configurations: " + String.join("; ", labels()) + ". connscope runs with default settings (no OTLP"
            + " endpoint, so nothing is exported; the report is written at exit). \"connscope + OTLP\" exports to a"
            + " local OTLP/HTTP sink in the harness, which received " + r.otlpRequests + " export requests ("
            + r.otlpBytes + " bytes) from every configuration that exports. The OpenTelemetry agent runs with every"
            + " exporter set to none, or (\"+ OTLP\") with its default traces, metrics and logs exported to the same"
            + " sink.");
        md.append('\n');
    }

    private void throughput() {
        md.append("## Throughput (requests/s; ratio to no agent: median over rounds, lowest–highest)\n\n");
        md.append("Each ratio is taken against the no-agent run of the same round; the median over rounds is reported.\n\n");
        header("workload", "no agent");
        for (String w : options.workloads) {
            List<String> cells = new ArrayList<>();
            cells.add(w);
            cells.add(fmt(r.median(Setup.NONE, w, Sample::throughput), 0));
            for (Setup s : others) {
                double[] q = r.pairedRatios(s, w, Sample::throughput);
                cells.add(fmt(q[0], 2) + "× (" + fmt(q[1], 2) + "–" + fmt(q[2], 2) + ")");
            }
            row(cells);
        }
        md.append('\n');
    }

    private void latency() {
        md.append("## Latency p50 / p99 (µs; ratio to no agent)\n\n");
        header("workload", "no agent");
        for (String w : options.workloads) {
            double p50 = r.median(Setup.NONE, w, x -> x.p50Nanos / 1000.0);
            double p99 = r.median(Setup.NONE, w, x -> x.p99Nanos / 1000.0);
            List<String> cells = new ArrayList<>();
            cells.add(w);
            cells.add(fmt(p50, 1) + " / " + fmt(p99, 1));
            for (Setup s : others) {
                cells.add(ratio(r.median(s, w, x -> x.p50Nanos / 1000.0), p50) + " / "
                    + ratio(r.median(s, w, x -> x.p99Nanos / 1000.0), p99));
            }
            row(cells);
        }
        md.append('\n');
    }

    private void perOperation(String title, String unit, ToDoubleFunction<Sample> figure, int decimals) {
        md.append("## ").append(title).append(" (").append(unit).append("; ratio to no agent)\n\n");
        header("workload", "no agent");
        for (String w : options.workloads) {
            double base = r.median(Setup.NONE, w, figure);
            List<String> cells = new ArrayList<>();
            cells.add(w);
            cells.add(fmt(base, decimals));
            for (Setup s : others) {
                double v = r.median(s, w, figure);
                cells.add(fmt(v, decimals) + " (" + ratio(v, base) + ")");
            }
            row(cells);
        }
        md.append('\n');
    }

    /**
     * The CPU an agent adds per request, both ends together (client and server run in the one process):
     * the figure the cost targets are set in, free of the workload's own cost.
     */
    private void addedCpu() {
        md.append("## CPU added per request, client and server together (µs; paired by round)\n\n");
        header("workload", "no agent (µs per request)");
        for (String w : options.workloads) {
            List<String> cells = new ArrayList<>();
            cells.add(w);
            cells.add(fmt(r.median(Setup.NONE, w, Sample::cpuNanosPerOp) / 1000, 1));
            for (Setup s : others) {
                cells.add(signed(r.pairedAdded(s, w, Sample::cpuNanosPerOp) / 1000, 2));
            }
            row(cells);
        }
        md.append('\n');
    }

    private void startupAndMemory() {
        md.append("## Start-up and memory (added to no agent in brackets)\n\n");
        header("figure", "no agent");
        row(absoluteAndAdded("JVM start to main + first HTTP request (ms)", r.startupMillis, 0));
        if (r.coldStartupMillis.containsKey(Setup.CONNSCOPE)) {
            row(coldStartup());
        }
        row(absoluteAndAdded("peak RSS, start-up probe (MiB)", r.startupRssMib, 1));
        row(absoluteAndAdded("peak RSS, all workloads (MiB)", r.peakRssMib, 1));
        row(absoluteAndAdded("heap retained per idle keep-alive connection (B)", r.idleBytesPerConnection, 0));
        row(absoluteAndAdded("peak RSS with " + options.idleConnections + " idle connections (MiB)", r.idlePeakRssMib, 1));
        md.append('\n');
    }

    private List<String> absoluteAndAdded(String name, Map<Setup, List<Double>> figure, int decimals) {
        double base = Results.median(figure, Setup.NONE);
        List<String> cells = new ArrayList<>();
        cells.add(name);
        cells.add(fmt(base, decimals));
        for (Setup s : others) {
            double v = Results.median(figure, s);
            cells.add(fmt(v, decimals) + " (" + signed(v - base, decimals) + ")");
        }
        return cells;
    }

    /** The first start on a host, for connscope only; the other columns have no such start. */
    private List<String> coldStartup() {
        double base = Results.median(r.startupMillis, Setup.NONE);
        List<String> cells = new ArrayList<>();
        cells.add("the same, first start on a host: empty instrumentation cache (ms)");
        cells.add(fmt(base, 0));
        for (Setup s : others) {
            double v = Results.median(r.coldStartupMillis, s);
            cells.add(Double.isNaN(v) ? "-" : fmt(v, 0) + " (" + signed(v - base, 0) + ")");
        }
        return cells;
    }

    private void hotPath() {
        if (r.hotPath.isEmpty()) {
            return;
        }
        md.append("## Socket hot path, JMH with the GC profiler (ns/op, gc.alloc.rate.norm B/op)\n\n");
        md.append("One operation is one write and one read on the client and the same on the echo thread, on an"
            + " established loopback connection. The OpenTelemetry agent is left out: it does not instrument sockets.\n\n");
        List<Setup> measured = new ArrayList<>(r.hotPath.keySet());
        List<String> head = new ArrayList<>();
        head.add("benchmark");
        for (Setup s : measured) {
            head.add(s.label);
        }
        row(head);
        row(separator(head.size()));
        for (String b : r.hotPath.get(Setup.NONE).keySet()) {
            List<String> cells = new ArrayList<>();
            cells.add(b);
            for (Setup s : measured) {
                cells.add(fmt(hotPathMedian(s, b, 0), 0) + " ns, " + fmt(hotPathMedian(s, b, 1), 2) + " B");
            }
            row(cells);
        }
        md.append('\n');
    }

    double hotPathMedian(Setup s, String benchmark, int index) {
        List<double[]> samples = r.hotPath.getOrDefault(s, Map.of()).get(benchmark);
        if (samples == null) {
            return Double.NaN;
        }
        List<Double> values = new ArrayList<>();
        for (double[] x : samples) {
            values.add(x[index]);
        }
        return Results.median(values);
    }

    private void targets() {
        md.append("## Targets\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        Setup cs = Setup.CONNSCOPE;
        for (String w : options.workloads) {
            throughputTarget(cs, w, 0.97);
            throughputTarget(Setup.CONNSCOPE_OTLP, w, 0.95);
            if (options.setups.contains(Setup.CONNSCOPE_OTLP)) {
                double added = r.pairedAdded(Setup.CONNSCOPE_OTLP, w, Sample::cpuNanosPerOp) / 1000;
                target("CPU added per request ≤ 1.5 µs with OTLP export (" + w + ")", added, signed(added, 2) + " µs",
                    added <= 1.5);
            }
        }
        for (String w : options.workloads) {
            if (Workloads.instrumentedByOtelAgent(w)) {
                cheaperThanOtelAgent(cs, Setup.OTEL_AGENT, w);
                cheaperThanOtelAgent(Setup.CONNSCOPE_OTLP, Setup.OTEL_AGENT_OTLP, w);
            }
        }
        if (r.hotPath.containsKey(cs)) {
            for (String b : r.hotPath.get(cs).keySet()) {
                double added = hotPathMedian(cs, b, 1) - hotPathMedian(Setup.NONE, b, 1);
                target("0 B allocated per read/write (" + b + ")", signed(added, 2) + " B/op added",
                    added < ZERO_ALLOCATION_NOISE);
            }
        }
        double idle = Results.median(r.idleBytesPerConnection, cs) - Results.median(r.idleBytesPerConnection, Setup.NONE);
        target("≤ 1 KiB retained heap per tracked idle connection", idle, fmt(idle, 0) + " B", idle <= 1024);
        double startup = Results.median(r.startupMillis, cs) - Results.median(r.startupMillis, Setup.NONE);
        target("start-up cost ≤ 400 ms (instrumentation cache filled by an earlier start)", startup, fmt(startup, 0) + " ms",
            startup <= 400);
        if (r.coldStartupMillis.containsKey(cs)) {
            double cold = Results.median(r.coldStartupMillis, cs) - Results.median(r.startupMillis, Setup.NONE);
            target("start-up cost ≤ 400 ms (first start on a host: empty instrumentation cache)", fmt(cold, 0) + " ms",
                cold <= 400);
        }
        double rss = Math.max(added(r.peakRssMib, cs), Math.max(added(r.startupRssMib, cs), added(r.idlePeakRssMib, cs)));
        target("added peak RSS ≤ 64 MiB (largest over the start-up, workload and idle-connection probes)",
            fmt(rss, 1) + " MiB", rss <= 64);
        md.append('\n');
    }

    private void throughputTarget(Setup s, String w, double goal) {
        if (options.setups.contains(s)) {
            double ratio = r.pairedRatios(s, w, Sample::throughput)[0];
            target("throughput " + w + ", " + s.label + " ≥ " + goal + "×", ratio, fmt(ratio, 3) + "×", ratio >= goal);
        }
    }

    /** connscope costs less CPU per request than the OpenTelemetry agent in the same export configuration. */
    private void cheaperThanOtelAgent(Setup mine, Setup theirs, String w) {
        if (options.setups.contains(mine) && options.setups.contains(theirs)) {
            double a = r.median(mine, w, Sample::cpuNanosPerOp) / 1000;
            double b = r.median(theirs, w, Sample::cpuNanosPerOp) / 1000;
            target(w + ": " + mine.label + " costs less CPU than " + theirs.label, a - b,
                fmt(a, 1) + " vs " + fmt(b, 1) + " µs per request", a < b);
        }
    }

    /** What a configuration adds to no agent; a probe that did not run cannot be the largest. */
    private static double added(Map<Setup, List<Double>> figure, Setup s) {
        double v = Results.median(figure, s) - Results.median(figure, Setup.NONE);
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /** A target whose figure is NaN when its probe was left out of the run: not measured, rather than missed. */
    private void target(String name, double figure, String measured, boolean met) {
        if (Double.isNaN(figure)) {
            md.append("| ").append(name).append(" | not measured in this run | – |\n");
        } else {
            target(name, measured, met);
        }
    }

    private void target(String name, String measured, boolean met) {
        md.append("| ").append(name).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
            .append(" |\n");
    }

    private List<String> labels() {
        List<String> out = new ArrayList<>();
        for (Setup s : options.setups) {
            out.add(s.label);
        }
        return out;
    }

    private void header(String first, String base) {
        List<String> head = new ArrayList<>();
        head.add(first);
        head.add(base);
        for (Setup s : others) {
            head.add(s.label);
        }
        row(head);
        row(separator(head.size()));
    }

    private static List<String> separator(int n) {
        List<String> sep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sep.add("---");
        }
        return sep;
    }

    private void row(List<String> cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    static String ratio(double v, double base) {
        return Double.isNaN(v) || Double.isNaN(base) || base == 0 ? "n/a" : fmt(v / base, 2) + "×";
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String signed(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+,." + decimals + "f", v);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown model";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB RAM", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown RAM";
    }

    private String otelVersion() {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(options.otelJar.toFile())) {
            String v = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
            return v == null ? options.otelJar.getFileName().toString() : v;
        } catch (IOException e) {
            return "(not used)";
        }
    }
}
