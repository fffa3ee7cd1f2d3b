package io.connscope.agent.export;

import io.connscope.agent.AgentLog;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.ConnectionTracker;
import io.connscope.agent.diagnose.Diagnosis;
import io.connscope.agent.diagnose.ExchangeRecord;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.report.Timeline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/**
 * The export thread: drains finished connections from the queue, turns them into telemetry, and
 * picks up sockets that were garbage-collected without close. Application threads only ever
 * {@link ExportQueue#offer} to it.
 */
public final class TelemetryPipeline implements Runnable {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ExportQueue queue;
    private final ConnectionTracker tracker;
    private final Diagnosis diagnosis;
    private final Function<OpenTelemetrySdk, ConnectionTelemetry> instruments;
    private final Supplier<OpenTelemetrySdk> sdkFactory;
    private final Timeline timeline;
    /** Built by the export thread itself, so the host's start-up never waits for the SDK. */
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile OpenTelemetrySdk sdk;
    private volatile ConnectionTelemetry telemetry;
    /** Closed connections waiting to be settled, oldest first. Export thread only. */
    private final ArrayDeque<ConnectionRecord> closing = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile Thread thread;

    /**
     * @param sdkFactory  builds the SDK on the export thread (threads the SDK starts join that thread's group), or
     *                    returns null when nothing is to be exported
     * @param instruments creates the metric instruments on the SDK
     */
    public TelemetryPipeline(ExportQueue queue, ConnectionTracker tracker, Diagnosis diagnosis,
                             Supplier<OpenTelemetrySdk> sdkFactory,
                             Function<OpenTelemetrySdk, ConnectionTelemetry> instruments, Timeline timeline) {
        this.queue = queue;
        this.tracker = tracker;
        this.diagnosis = diagnosis;
        this.sdkFactory = sdkFactory;
        this.instruments = instruments;
        this.timeline = timeline;
    }

    public void start(ThreadGroup group) {
        Thread t = new Thread(group, this, "connscope-export");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run() {
        try {
            OpenTelemetrySdk built = sdkFactory.get();
            if (built != null) {
                telemetry = instruments.apply(built);
                sdk = built;
            }
        } catch (Throwable t) {
            // The report still needs this thread to drain the queue; only export is lost.
            AgentLog.once("telemetry-init", "telemetry setup failed, nothing is exported (the report still works): " + t, t);
        } finally {
            ready.countDown();
        }
        while (running) {
            try {
                drain();
            } catch (Throwable t) {
                // Even an OutOfMemoryError of the application's: the thread goes on, and the report still needs it.
                AgentLog.once("export-loop", "the export thread met an error and goes on: " + t, t);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void drain() {
        drain(false);
    }

    /**
     * Exports what finished. A closed connection is settled (released from the registry, its last
     * bytes added, its HTTP analysis completed) only once it has been closed for
     * {@link #SETTLE_NANOS}, or at exit: the thread that wrote its last bytes may still be in its
     * hook when another thread closes it. The exchanges that settling produces go out before
     * their connection, which links to them.
     */
    private synchronized void drain(boolean everything) { // export thread, or the exit hook after it
        try {
            tracker.expungeCollected();
        } catch (Throwable t) {
            AgentLog.once("expunge-failed", "checking for collected sockets failed: " + t, t);
        }
        exportQueued();
        long now = System.nanoTime();
        List<ConnectionRecord> ready = new ArrayList<>();
        while (!closing.isEmpty() && (everything || now - closing.peek().endNanos >= SETTLE_NANOS)) {
            ConnectionRecord r = closing.poll();
            try {
                tracker.release(r);
                ready.add(r);
            } catch (Throwable t) {
                exportFailed(t);
            }
        }
        exportQueued();
        for (ConnectionRecord r : ready) {
            try {
                List<Warning> warnings = diagnosis.check(r);
                timeline.connection(r, warnings);
                ConnectionTelemetry out = telemetry;
                if (out != null) {
                    out.export(r, warnings);
                }
            } catch (Throwable t) {
                exportFailed(t);
            }
        }
    }

    /** Exports the queued exchanges; closed connections wait in {@link #closing} to be settled. */
    private void exportQueued() {
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof ExchangeRecord) {
                try {
                    timeline.exchange((ExchangeRecord) item);
                    ConnectionTelemetry out = telemetry;
                    if (out != null) {
                        out.export((ExchangeRecord) item);
                    }
                } catch (Throwable t) {
                    exportFailed(t);
                }
            } else {
                closing.add((ConnectionRecord) item);
            }
        }
    }

    /** One item failed to export: it is lost, the others are not. */
    private static void exportFailed(Throwable t) {
        AgentLog.once("export-failed", "telemetry export failed for an item (the others are exported): " + t, t);
    }

    /**
     * Stops the thread, exports what is left (open connections as open-at-exit) and flushes the SDK,
     * all within one deadline (System.nanoTime()), {@code timeoutMillis} from now; {@code budget}
     * says in messages where that time comes from.
     */
    public void shutdown(long deadlineNanos, long timeoutMillis, String budget) {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            join(t, deadlineNanos);
        }
        boolean ready = awaitReady(deadlineNanos);
        if (!ready) {
            AgentLog.info("the OpenTelemetry SDK was not ready within " + timeoutMillis + " ms (" + budget
                + "); this run's telemetry is not exported, the report is still written");
        }
        tracker.finishOpenAtExit();
        drain(true);
        if (!ready || telemetry == null) {
            return; // nothing to flush: no exporter configured, or the SDK failed to start (logged then)
        }
        // OpenTelemetrySdk.shutdown() partly blocks (the metric reader waits up to 10 s for its last
        // export) and partly completes later (spans), so a daemon thread waits for both and the JVM
        // may abandon it once the deadline has passed.
        Thread flush = new Thread(group(), () -> sdk.shutdown().join(timeoutMillis, TimeUnit.MILLISECONDS),
            "connscope-flush");
        flush.setDaemon(true);
        flush.start();
        join(flush, deadlineNanos);
        if (flush.isAlive()) {
            AgentLog.info("telemetry flush did not finish within " + timeoutMillis + " ms (" + budget
                + "); the collector is slow or unreachable and the rest is dropped");
        }
    }

    private boolean awaitReady(long deadlineNanos) {
        try {
            return ready.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for a thread until the deadline at the latest. */
    static void join(Thread t, long deadlineNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (millis <= 0) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ThreadGroup group() {
        Thread t = thread;
        return t != null ? t.getThreadGroup() : Thread.currentThread().getThreadGroup();
    }
}
