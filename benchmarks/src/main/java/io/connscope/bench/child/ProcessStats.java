package io.connscope.bench.child;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a child JVM knows about its own cost: CPU, allocation, peak resident memory, heap. */
public final class ProcessStats {

    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ProcessStats() {
    }

    /** CPU time of every thread of the process, JIT, GC and agents' threads included. */
    public static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    /** Bytes allocated on the heap by all threads since start, threads that ended included. */
    public static long allocatedBytes() {
        return THREADS.getTotalThreadAllocatedBytes();
    }

    /** Peak resident set size (VmHWM), in KiB. */
    public static long peakRssKib() throws IOException {
        return statusField("VmHWM:");
    }

    /** Heap in use after full collections, so only what is reachable counts. */
    public static long retainedHeapBytes() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long statusField(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(field + " not in /proc/self/status");
    }
}
