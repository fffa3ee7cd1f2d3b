package io.connscope.bench;

import java.util.HashMap;
import java.util.Map;

/** One measured workload run in one child JVM, parsed from its {@code result} line. */
final class Sample {
    final String workload;
    final long ops;
    final long nanos;
    final long p50Nanos;
    final long p99Nanos;
    final long cpuNanos;
    final long allocatedBytes;
    /** How long warm-up took to reach a quiet JIT (or its limit). */
    final long warmupMillis;

    private Sample(String workload, long ops, long nanos, long p50Nanos, long p99Nanos, long cpuNanos,
                   long allocatedBytes, long warmupMillis) {
        this.workload = workload;
        this.ops = ops;
        this.nanos = nanos;
        this.p50Nanos = p50Nanos;
        this.p99Nanos = p99Nanos;
        this.cpuNanos = cpuNanos;
        this.allocatedBytes = allocatedBytes;
        this.warmupMillis = warmupMillis;
    }

    static Sample parse(String line) {
        Map<String, String> f = fields(line);
        return new Sample(f.get("workload"), Long.parseLong(f.get("ops")), Long.parseLong(f.get("nanos")),
            Long.parseLong(f.get("p50")), Long.parseLong(f.get("p99")), Long.parseLong(f.get("cpu")),
            Long.parseLong(f.get("alloc")), Long.parseLong(f.get("warmup")));
    }

    double throughput() {
        return ops * 1e9 / nanos;
    }

    double cpuNanosPerOp() {
        return (double) cpuNanos / ops;
    }

    double bytesPerOp() {
        return (double) allocatedBytes / ops;
    }

    /** The key=value fields of a line printed by a child JVM. */
    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }
}
