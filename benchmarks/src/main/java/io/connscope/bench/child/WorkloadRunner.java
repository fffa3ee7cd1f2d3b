package io.connscope.bench.child;

import io.connscope.bench.workload.Workload;
import io.connscope.bench.workload.Workloads;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Child JVM main: runs the named workloads one after another, each warmed up and then measured
 * for a fixed time by its client threads, and prints one {@code result} line per workload and a
 * final {@code process} line. Arguments: least warm-up ms, most warm-up ms, measurement ms,
 * workload names.
 *
 * <p>Warm-up lasts at least its least time and then until the JIT compilers are quiet, so the
 * measurement sees steady state in every configuration: on two cores busy with client and server,
 * compiling an agent's extra code can take longer than a fixed warm-up, and what is measured is
 * then the compiler's work rather than the agent's. The warm-up each took is reported as its own
 * figure.
 */
public final class WorkloadRunner {

    /** The JIT counts as quiet when it compiled for less than this in the last slice of warm-up. */
    private static final long QUIET_COMPILE_MILLIS = 20;
    private static final long SLICE_MILLIS = 1000;

    private WorkloadRunner() {
    }

    public static void main(String[] args) throws Exception {
        long leastWarmupMillis = Long.parseLong(args[0]);
        long mostWarmupMillis = Long.parseLong(args[1]);
        long measureMillis = Long.parseLong(args[2]);
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 3; i < args.length; i++) {
            String name = args[i];
            try (Workload w = Workloads.start(name)) {
                long warmup = warmUp(w, latencies, leastWarmupMillis, mostWarmupMillis);
                latencies.reset();
                long cpu = ProcessStats.cpuNanos();
                long allocated = ProcessStats.allocatedBytes();
                long start = System.nanoTime();
                long ops = loop(w, measureMillis, latencies);
                long elapsed = System.nanoTime() - start;
                cpu = ProcessStats.cpuNanos() - cpu;
                allocated = ProcessStats.allocatedBytes() - allocated;
                System.out.println("result workload=" + name + " ops=" + ops + " nanos=" + elapsed
                    + " p50=" + latencies.getValueAtPercentile(50) + " p99=" + latencies.getValueAtPercentile(99)
                    + " cpu=" + cpu + " alloc=" + allocated + " warmup=" + warmup);
            }
        }
        System.out.println("process peakRssKib=" + ProcessStats.peakRssKib());
        System.out.flush();
        // Ends the process as the application would; agents' exit work is not part of the figures.
        System.exit(0);
    }

    /** Runs the workload, recording as the measurement does, until the JIT is quiet; returns the ms it took. */
    private static long warmUp(Workload w, Histogram latencies, long leastMillis, long mostMillis) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        loop(w, leastMillis, latencies);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        boolean quiet = jit == null || !jit.isCompilationTimeMonitoringSupported();
        while (!quiet && elapsed < mostMillis) {
            long compiled = jit.getTotalCompilationTime();
            loop(w, SLICE_MILLIS, latencies);
            quiet = jit.getTotalCompilationTime() - compiled < QUIET_COMPILE_MILLIS;
            elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        return elapsed;
    }

    /** Every client thread of the workload runs it for the time given; returns their requests together. */
    private static long loop(Workload w, long millis, Histogram latencies) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int n = w.threads();
        if (n == 1) {
            return loopUntil(w, end, latencies);
        }
        List<Callable<Long>> clients = new ArrayList<>();
        List<Histogram> each = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Histogram h = new Histogram(latencies.getHighestTrackableValue(), 3);
            each.add(h);
            clients.add(() -> loopUntil(w, end, h));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long ops = 0;
            for (Future<Long> f : pool.invokeAll(clients)) {
                ops += f.get();
            }
            each.forEach(latencies::add);
            return ops;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long loopUntil(Workload w, long end, Histogram latencies) throws Exception {
        long ops = 0;
        long now = System.nanoTime();
        while (now < end) {
            w.request();
            long done = System.nanoTime();
            latencies.recordValue(done - now);
            now = done;
            ops++;
        }
        return ops;
    }
}
