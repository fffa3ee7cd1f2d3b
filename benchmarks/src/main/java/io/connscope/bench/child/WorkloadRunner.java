package io.connscope.bench.child;

import io.connscope.bench.workload.Workload;
import io.connscope.bench.workload.Workloads;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Child JVM main: runs the named workloads one after another, each warmed up and then measured
 * for a fixed time by one client thread, and prints one {@code result} line per workload and a
 * final {@code process} line. Arguments: warm-up ms, measurement ms, workload names.
 */
public final class WorkloadRunner {

    private WorkloadRunner() {
    }

    public static void main(String[] args) throws Exception {
        long warmupMillis = Long.parseLong(args[0]);
        long measureMillis = Long.parseLong(args[1]);
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 2; i < args.length; i++) {
            String name = args[i];
            latencies.reset();
            try (Workload w = Workloads.start(name)) {
                loop(w, warmupMillis, null);
                long cpu = ProcessStats.cpuNanos();
                long allocated = ProcessStats.allocatedBytes();
                long start = System.nanoTime();
                long ops = loop(w, measureMillis, latencies);
                long elapsed = System.nanoTime() - start;
                cpu = ProcessStats.cpuNanos() - cpu;
                allocated = ProcessStats.allocatedBytes() - allocated;
                System.out.println("result workload=" + name + " ops=" + ops + " nanos=" + elapsed
                    + " p50=" + latencies.getValueAtPercentile(50) + " p99=" + latencies.getValueAtPercentile(99)
                    + " cpu=" + cpu + " alloc=" + allocated);
            }
        }
        System.out.println("process peakRssKib=" + ProcessStats.peakRssKib());
        System.out.flush();
        // Ends the process as the application would; agents' exit work is not part of the figures.
        System.exit(0);
    }

    private static long loop(Workload w, long millis, Histogram latencies) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long ops = 0;
        long now = System.nanoTime();
        while (now < end) {
            w.request();
            long done = System.nanoTime();
            if (latencies != null) {
                latencies.recordValue(done - now);
            }
            now = done;
            ops++;
        }
        return ops;
    }
}
