package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameLookup;
import io.connscope.agent.connection.Housekeeping;
import io.connscope.agent.diagnose.Diagnosis;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The pipeline thread. On each tick it runs, in this order: lifecycle housekeeping (settling ended
 * connections, which queues their last exchanges and then the connections), diagnosis of everything
 * queued (exchange rules, then connection rules), and the sinks. Data only flows forward: sinks get
 * immutable events and call nothing back. Application threads only ever offer to the
 * {@link EventQueue}.
 */
public final class EventPipeline implements Runnable {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final EventQueue queue;
    private final Housekeeping lifecycle;
    private final Diagnosis diagnosis;
    private final List<EventSink> sinks;
    private final LongSupplier nanoClock;
    private final SnapshotSchedule snapshots;
    /** Counted down once every sink's start() returned: the exit waits for it before the last events. */
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Thread thread;

    /**
     * @param nanoClock System.nanoTime, or a test's clock
     * @param snapshots when open connections are described, or {@link SnapshotSchedule#never()}
     */
    public EventPipeline(EventQueue queue, Housekeeping lifecycle, Diagnosis diagnosis, List<EventSink> sinks,
                         LongSupplier nanoClock, SnapshotSchedule snapshots) {
        this.snapshots = snapshots;
        this.queue = queue;
        this.lifecycle = lifecycle;
        this.diagnosis = diagnosis;
        this.sinks = List.copyOf(sinks);
        this.nanoClock = nanoClock;
    }

    public void start(ThreadGroup group) {
        Thread t = new Thread(group, this, "connscope-export");
        t.setDaemon(true);
        thread = t;
        queue.consumer(t);
        t.start();
    }

    @Override
    public void run() {
        startSinks();
        while (running) {
            try {
                tick(false);
            } catch (Throwable t) {
                // Even an OutOfMemoryError of the application's: the thread goes on, and the report still needs it.
                AgentLog.once("export-loop", "the export thread met an error and goes on: " + t, t);
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    /** Starts each sink; one that fails to start still gets its events (it decides what to do with them). */
    void startSinks() {
        try {
            for (EventSink sink : sinks) {
                try {
                    sink.start();
                } catch (Throwable t) {
                    AgentLog.once("sink-start-" + sink.getClass().getSimpleName(), sink.getClass().getSimpleName()
                        + " failed to start: " + t, t);
                }
            }
        } finally {
            started.countDown();
        }
    }

    /**
     * One pass: settles what is due (everything at exit), then diagnoses and hands on every queued
     * item. Synchronized because the exit runs the last pass itself, after the thread has stopped or
     * been given up on.
     */
    synchronized void tick(boolean everything) {
        long now = nanoClock.getAsLong();
        lifecycle.settle(now, everything);
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof EventQueue.Queued) {
                EventQueue.Queued q = (EventQueue.Queued) item;
                ExchangeFinished event = new ExchangeFinished(q.connection, q.exchange, diagnosis.check(q.connection, q.exchange));
                snapshots.exchangeWarned(q.connection, event.warnings().size());
                exchangeFinished(event);
            } else if (item instanceof NameLookup) {
                nameLookedUp((NameLookup) item);
            } else {
                ConnectionRecord r = (ConnectionRecord) item;
                ConnectionEnded event = new ConnectionEnded(r, diagnosis.check(r));
                snapshots.ended(r);
                for (EventSink sink : sinks) {
                    try {
                        sink.connectionEnded(event);
                    } catch (Throwable t) {
                        sinkFailed(sink, t);
                    }
                }
            }
        }
        if (!everything) {
            connectionsOpen(snapshots.due(now, lifecycle));
        }
    }

    private void connectionsOpen(List<ConnectionSnapshot> due) {
        if (due.isEmpty()) {
            return;
        }
        List<ConnectionSnapshot> snapshot = List.copyOf(due);
        for (EventSink sink : sinks) {
            try {
                sink.connectionsOpen(snapshot);
            } catch (Throwable t) {
                sinkFailed(sink, t);
            }
        }
    }

    private void nameLookedUp(NameLookup lookup) {
        for (int i = 0; i < sinks.size(); i++) {
            EventSink sink = sinks.get(i);
            try {
                sink.nameLookedUp(lookup);
            } catch (Throwable t) {
                sinkFailed(sink, t);
            }
        }
    }

    private void exchangeFinished(ExchangeFinished event) {
        for (int i = 0; i < sinks.size(); i++) { // indexed: no iterator for every exchange
            EventSink sink = sinks.get(i);
            try {
                sink.exchangeFinished(event);
            } catch (Throwable t) {
                sinkFailed(sink, t);
            }
        }
    }

    /** One event failed in one sink: it is lost there, and nowhere else. */
    private static void sinkFailed(EventSink sink, Throwable t) {
        String name = sink.getClass().getSimpleName();
        AgentLog.once("export-failed-" + name, name + " failed for an item (the others are exported): " + t, t);
    }

    /**
     * Stops the thread, ends the connections still open, hands everything left to the sinks and stops
     * them, all by one deadline (System.nanoTime()), {@code timeoutMillis} from now; {@code budget} says
     * in messages where that time comes from. A sink still starting at the deadline gets the last
     * events all the same.
     */
    public void shutdown(long deadlineNanos, long timeoutMillis, String budget) {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            AgentThreads.joinUntil(t, deadlineNanos);
            awaitStarted(deadlineNanos);
        } else {
            startSinks(); // never started: the sinks still get this run's events
        }
        lifecycle.endAllOpen(nanoClock.getAsLong());
        tick(true);
        for (EventSink sink : sinks) {
            try {
                sink.stop(deadlineNanos, timeoutMillis, budget);
            } catch (Throwable e) {
                AgentLog.once("sink-stop-" + sink.getClass().getSimpleName(), sink.getClass().getSimpleName()
                    + " failed to stop: " + e, e);
            }
        }
    }

    private void awaitStarted(long deadlineNanos) {
        try {
            started.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
