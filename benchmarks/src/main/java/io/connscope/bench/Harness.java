package io.connscope.bench;

import io.connscope.bench.child.IdleConnectionsProbe;
import io.connscope.bench.child.IdleServer;
import io.connscope.bench.child.StartupProbe;
import io.connscope.bench.child.WorkloadRunner;
import io.connscope.bench.jmh.SocketHotPathBenchmark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Measures connscope's cost. Each round runs every configuration once, in an order rotated per
 * round, so drift of the machine over the run hits every configuration alike. Every measurement
 * runs in a fresh child JVM; the harness JVM itself carries no agent.
 */
public final class Harness {

    private final Options options;
    private final Setup.Agents agents;
    private final ChildJvm child;
    private final Results results = new Results();

    Harness(Options options) throws IOException {
        this.options = options;
        this.agents = new Setup.Agents(options.connscopeJar.toAbsolutePath(), options.otelJar.toAbsolutePath(),
            options.baselineJar == null ? null : options.baselineJar.toAbsolutePath());
        Files.createDirectories(options.logs);
        this.child = new ChildJvm(childClassPath(), options.logs);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().isEmpty()) {
                System.out.println(Options.USAGE);
                return;
            }
            System.err.println(e.getMessage() + "\n\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        Results results = new Harness(options).run();
        String markdown = new ResultsReport(options, results).markdown();
        Files.createDirectories(options.out.toAbsolutePath().getParent());
        Files.writeString(options.out, markdown);
        System.out.println(markdown);
        System.out.println("written to " + options.out.toAbsolutePath());
    }

    Results run() throws Exception {
        agents.check(options.setups);
        try (OtlpSink sink = new OtlpSink(); IdleServer idle = new IdleServer()) {
            for (int round = 0; round < options.rounds; round++) {
                for (Setup s : rotated(options.setups, round)) {
                    String tag = s.id() + "-r" + (round + 1);
                    progress("round " + (round + 1) + "/" + options.rounds + ": " + s.label);
                    workloads(s, tag, sink.port());
                    startup(s, tag, sink.port());
                    if (options.idleConnections > 0) {
                        idleConnections(s, tag, sink.port(), idle.port());
                    }
                    if (options.jmhForks > 0 && !s.needsOtelAgent()) {
                        hotPath(s, tag, sink.port());
                    }
                }
            }
            results.otlpRequests = sink.requests();
            results.otlpBytes = sink.bytes();
        }
        return results;
    }

    private void workloads(Setup s, String tag, int sinkPort) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(options.warmupMillis));
        args.add(Long.toString(options.warmupMaxMillis));
        args.add(Long.toString(options.measureMillis));
        args.addAll(options.workloads);
        long budget = 120 + options.workloads.size() * (options.warmupMaxMillis + options.measureMillis) / 500;
        ChildJvm.Output out = child.run(tag + "-workloads", jvmArgs(s, tag + "-workloads", sinkPort),
            WorkloadRunner.class.getName(), args, budget);
        for (String line : out.lines) {
            if (line.startsWith("result ")) {
                results.add(s, Sample.parse(line));
            }
        }
        Results.add(results.peakRssMib, s, kibToMib(out.first("process ")));
    }

    private void startup(Setup s, String tag, int sinkPort) throws IOException, InterruptedException {
        for (int i = 0; i < options.startupRuns; i++) {
            String name = tag + "-startup" + (i + 1);
            ChildJvm.Output out = child.run(name, jvmArgs(s, name, sinkPort), StartupProbe.class.getName(), List.of(), 120);
            Results.add(results.startupMillis, s, out.arrivalOf("ready") / 1e6);
            Results.add(results.startupRssMib, s, kibToMib(out.first("process ")));
        }
        if (s == Setup.CONNSCOPE) {
            // The first start on a host weaves the JDK classes and fills the cache: its own figure.
            for (int i = 0; i < options.startupRuns; i++) {
                String name = tag + "-coldstart" + (i + 1);
                Path emptyCache = Files.createTempDirectory(options.logs.toAbsolutePath(), name + "-")
                    .resolve("instrument-cache");
                ChildJvm.Output out = child.run(name, jvmArgs(s, name, sinkPort, emptyCache),
                    StartupProbe.class.getName(), List.of(), 120);
                Results.add(results.coldStartupMillis, s, out.arrivalOf("ready") / 1e6);
            }
        }
    }

    private void idleConnections(Setup s, String tag, int sinkPort, int idlePort) throws IOException, InterruptedException {
        String name = tag + "-idle";
        ChildJvm.Output out = child.run(name, jvmArgs(s, name, sinkPort), IdleConnectionsProbe.class.getName(),
            List.of(Integer.toString(idlePort), Integer.toString(options.idleConnections)), 300);
        Map<String, String> f = Sample.fields(out.first("idle "));
        double perConnection = (Long.parseLong(f.get("heapAfter")) - Long.parseLong(f.get("heapBefore")))
            / (double) options.idleConnections;
        Results.add(results.idleBytesPerConnection, s, perConnection);
        Results.add(results.idlePeakRssMib, s, Long.parseLong(f.get("peakRssKib")) / 1024.0);
    }

    /** JMH's GC profiler on the socket hot path, one fork per configuration and round. */
    private void hotPath(Setup s, String tag, int sinkPort) throws RunnerException {
        OptionsBuilder jmh = new OptionsBuilder();
        jmh.include(SocketHotPathBenchmark.class.getName())
            .forks(options.jmhForks)
            .warmupIterations(options.jmhWarmups)
            .warmupTime(TimeValue.milliseconds(options.jmhIterationMillis))
            .measurementIterations(options.jmhIterations)
            .measurementTime(TimeValue.milliseconds(options.jmhIterationMillis))
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(jvmArgs(s, tag + "-jmh", sinkPort).toArray(new String[0]))
            .verbosity(VerboseMode.SILENT)
            .shouldFailOnError(true);
        Collection<RunResult> runs = new Runner(jmh.build()).run();
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
            results.addHotPath(s, benchmark.substring(benchmark.lastIndexOf('.') + 1),
                run.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore());
        }
    }

    private List<String> jvmArgs(Setup s, String name, int sinkPort) {
        return jvmArgs(s, name, sinkPort, options.logs.resolve("instrument-cache").toAbsolutePath());
    }

    /**
     * Every child gets the same fixed heap limit, as production JVMs have. Without one, G1 grows the
     * heap with the allocation rate and a workload's peak RSS swung by over 100 MiB between runs of
     * one configuration, which measured the collector's sizing rather than what an agent adds.
     */
    private List<String> jvmArgs(Setup s, String name, int sinkPort, Path instrumentCache) {
        List<String> args = new ArrayList<>();
        args.add("-Xmx" + options.heapMib + "m");
        args.addAll(s.jvmArgs(agents, sinkPort, options.logs.resolve(name + ".connscope-report.txt").toAbsolutePath(),
            instrumentCache));
        return args;
    }

    static <T> List<T> rotated(List<T> items, int by) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get((i + by) % items.size()));
        }
        return out;
    }

    private static double kibToMib(String processLine) {
        return Long.parseLong(Sample.fields(processLine).get("peakRssKib")) / 1024.0;
    }

    /**
     * The workloads' classes and every library they use: the shaded jar the harness runs from, or, in a
     * build (the smoke test), the build's class path without the agent jar, which a child gets only
     * through -javaagent.
     */
    static String childClassPath() {
        String own;
        try {
            own = new File(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (own.endsWith(".jar")) {
            return own;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && !new File(entry).getName().startsWith("connscope-agent")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
