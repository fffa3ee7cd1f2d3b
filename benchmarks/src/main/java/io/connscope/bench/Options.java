package io.connscope.bench;

import io.connscope.bench.workload.Workloads;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The harness's command line. Every option has a default that gives the committed RESULTS.md. */
final class Options {

    static final String USAGE = String.join("\n",
        "usage: java -jar connscope-benchmarks.jar [options]",
        "  --rounds N             rounds; each runs every configuration once, in rotated order (3)",
        "  --warmup-ms MS         least warm-up per workload in each child JVM; it goes on until the JIT is quiet (6000)",
        "  --warmup-max-ms MS     most warm-up per workload, quiet JIT or not (30000)",
        "  --measure-ms MS        measurement per workload in each child JVM (5000)",
        "  --heap-mib N           -Xmx of every child JVM, the same for every configuration (512)",
        "  --startup-runs N       start-up probes per configuration and round (2)",
        "  --idle-connections N   connections held open for the retained-heap figure (10000)",
        "  --jmh-forks N          JMH hot-path forks per configuration and round, 0 to skip (1)",
        "  --configs A,B          of none, connscope, connscope-otlp, otel-agent, otel-agent-otlp, both, baseline, baseline-otlp"
            + " (all but the baseline ones, which need --baseline-jar)",
        "  --workloads A,B        of " + String.join(", ", Workloads.names()) + " (all)",
        "  --connscope-jar PATH   (agent/target/connscope-agent.jar)",
        "  --otel-jar PATH        (benchmarks/target/agents/opentelemetry-javaagent.jar)",
        "  --baseline-jar PATH    another connscope jar, usually the previous build, for the baseline configurations",
        "  --out FILE             Markdown results (benchmarks/RESULTS.md)",
        "  --logs DIR             child JVMs' stderr and connscope reports (benchmarks/target/bench-logs)",
        "  --smoke                a few-second pass that checks everything runs; figures are meaningless");

    int rounds = 3;
    long warmupMillis = 6000;
    long warmupMaxMillis = 30_000;
    long measureMillis = 5000;
    int heapMib = 512;
    int startupRuns = 2;
    int idleConnections = 10_000;
    int jmhForks = 1;
    long jmhIterationMillis = 1000;
    int jmhWarmups = 2;
    int jmhIterations = 3;
    List<Setup> setups = Setup.standard();
    List<String> workloads = new ArrayList<>(Workloads.names());
    Path connscopeJar = Paths.get("agent/target/connscope-agent.jar");
    Path otelJar = Paths.get("benchmarks/target/agents/opentelemetry-javaagent.jar");
    Path baselineJar;
    Path out = Paths.get("benchmarks/RESULTS.md");
    Path logs = Paths.get("benchmarks/target/bench-logs");
    boolean smoke;
    final List<String> commandLine = new ArrayList<>();

    static Options parse(String[] args) {
        Options o = new Options();
        o.commandLine.addAll(Arrays.asList(args));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--smoke")) {
                o.smoke();
                continue;
            }
            if (a.equals("--help")) {
                // An empty message asks for the usage alone.
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--rounds": o.rounds = positive(a, v); break;
                case "--warmup-ms": o.warmupMillis = nonNegative(a, v); break;
                case "--warmup-max-ms": o.warmupMaxMillis = nonNegative(a, v); break;
                case "--measure-ms": o.measureMillis = positive(a, v); break;
                case "--heap-mib": o.heapMib = positive(a, v); break;
                case "--startup-runs": o.startupRuns = nonNegative(a, v); break;
                case "--idle-connections": o.idleConnections = nonNegative(a, v); break;
                case "--jmh-forks": o.jmhForks = nonNegative(a, v); break;
                case "--configs": o.setups = setups(v); break;
                case "--workloads": o.workloads = workloads(v); break;
                case "--connscope-jar": o.connscopeJar = Paths.get(v); break;
                case "--otel-jar": o.otelJar = Paths.get(v); break;
                case "--baseline-jar": o.baselineJar = Paths.get(v); break;
                case "--out": o.out = Paths.get(v); break;
                case "--logs": o.logs = Paths.get(v); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.warmupMaxMillis < o.warmupMillis) {
            throw new IllegalArgumentException("--warmup-max-ms must be at least --warmup-ms (" + o.warmupMillis + ")");
        }
        if (!o.setups.contains(Setup.NONE)) {
            throw new IllegalArgumentException("--configs must include none: every figure is a ratio to it");
        }
        return o;
    }

    private void smoke() {
        smoke = true;
        rounds = 1;
        warmupMillis = 100;
        warmupMaxMillis = 100;
        measureMillis = 300;
        startupRuns = 1;
        idleConnections = 200;
        jmhIterationMillis = 200;
        jmhWarmups = 0;
        jmhIterations = 1;
        setups = new ArrayList<>(List.of(Setup.NONE, Setup.CONNSCOPE));
    }

    private static List<Setup> setups(String v) {
        List<Setup> out = new ArrayList<>();
        for (String id : v.split(",")) {
            out.add(Setup.byId(id.trim()));
        }
        return out;
    }

    private static List<String> workloads(String v) {
        List<String> out = new ArrayList<>();
        for (String name : v.split(",")) {
            if (!Workloads.names().contains(name.trim())) {
                throw new IllegalArgumentException("unknown workload '" + name + "', known: " + Workloads.names());
            }
            out.add(name.trim());
        }
        return out;
    }

    private static int positive(String option, String v) {
        int n = nonNegative(option, v);
        if (n == 0) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String option, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number >= 0, not '" + v + "'");
        }
    }
}
