package io.connscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The configurations compared, each a set of JVM arguments for a child JVM. */
enum Setup {
    NONE("no agent"),
    CONNSCOPE("connscope"),
    CONNSCOPE_OTLP("connscope + OTLP"),
    OTEL_AGENT("OTel Java agent"),
    OTEL_AGENT_OTLP("OTel Java agent + OTLP"),
    BOTH("OTel agent + connscope"),
    /** connscope from another jar (--baseline-jar), usually the previous build: a regression shows beside it. */
    BASELINE("connscope, baseline jar"),
    BASELINE_OTLP("connscope + OTLP, baseline jar");

    final String label;

    Setup(String label) {
        this.label = label;
    }

    String id() {
        return name().toLowerCase().replace('_', '-');
    }

    static Setup byId(String id) {
        for (Setup s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + id + "', known: none, connscope, connscope-otlp,"
            + " otel-agent, otel-agent-otlp, both, baseline, baseline-otlp");
    }

    /**
     * connscope runs with its defaults, but keeps its instrumentation cache where the harness says:
     * in its own directory, so the first start of a run is the one that fills it. Without an OTLP endpoint it exports nothing and writes its
     * report at exit (to a file here, to keep the harness's output readable). The OpenTelemetry
     * agent has every exporter off, as in the reference measurement, or exports to the same sink
     * as connscope + OTLP does. Agent arguments carry
     * connscope's endpoint, so in {@link #BOTH} the OpenTelemetry agent does not see it.
     */
    List<String> jvmArgs(Agents agents, int otlpSinkPort, Path reportFile, Path instrumentCache) {
        List<String> args = new ArrayList<>();
        String connscope = "-javaagent:" + (usesBaseline() ? agents.baseline : agents.connscope) + "=report.file="
            + reportFile + ",instrument.cache=" + instrumentCache;
        String otelOff = "-Dotel.traces.exporter=none";
        switch (this) {
            case NONE:
                break;
            case CONNSCOPE:
            case BASELINE:
                args.add(connscope);
                break;
            case CONNSCOPE_OTLP:
            case BASELINE_OTLP:
                args.add(connscope + ",otel.exporter.otlp.endpoint=http://127.0.0.1:" + otlpSinkPort);
                break;
            case OTEL_AGENT:
                args.add("-javaagent:" + agents.otel);
                args.addAll(List.of(otelOff, "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
                break;
            case OTEL_AGENT_OTLP:
                // Traces, metrics and logs (the agent's defaults) over OTLP/HTTP, to the sink connscope + OTLP uses.
                args.add("-javaagent:" + agents.otel);
                args.addAll(List.of("-Dotel.exporter.otlp.endpoint=http://127.0.0.1:" + otlpSinkPort,
                    "-Dotel.exporter.otlp.protocol=http/protobuf"));
                break;
            case BOTH:
                args.add("-javaagent:" + agents.otel);
                args.addAll(List.of(otelOff, "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
                args.add(connscope);
                break;
            default:
                throw new AssertionError(this);
        }
        return args;
    }

    boolean needsOtelAgent() {
        return this == OTEL_AGENT || this == OTEL_AGENT_OTLP || this == BOTH;
    }

    boolean usesBaseline() {
        return this == BASELINE || this == BASELINE_OTLP;
    }

    /** Every configuration that needs nothing but the two agents' jars: all but the baseline ones. */
    static List<Setup> standard() {
        List<Setup> out = new ArrayList<>();
        for (Setup s : values()) {
            if (!s.usesBaseline()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Where the agent jars are; both are checked before anything runs. */
    static final class Agents {
        final Path connscope;
        final Path otel;
        /** Another connscope jar to compare with, or null. */
        final Path baseline;

        Agents(Path connscope, Path otel, Path baseline) {
            this.connscope = connscope;
            this.otel = otel;
            this.baseline = baseline;
        }

        void check(List<Setup> setups) {
            require(connscope, "connscope agent jar (build it with mvn package, or pass --connscope-jar)");
            if (setups.stream().anyMatch(Setup::needsOtelAgent)) {
                require(otel, "OpenTelemetry Java agent jar (mvn package copies it to benchmarks/target/agents,"
                    + " or pass --otel-jar)");
            }
            if (setups.stream().anyMatch(Setup::usesBaseline)) {
                if (baseline == null) {
                    throw new IllegalArgumentException("the baseline configurations need --baseline-jar");
                }
                require(baseline, "baseline connscope agent jar (--baseline-jar)");
            }
        }

        private static void require(Path p, String what) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(what + " not found at " + p.toAbsolutePath());
            }
        }
    }
}
