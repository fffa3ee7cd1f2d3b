package io.connscope.agent.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The group of every thread connscope starts, and of every thread those threads start (the OTLP
 * sender's, the SDK's batch processors', the Prometheus endpoint's): the bridge ignores their
 * connections, and an exception that escapes one of them is connscope's own. It is counted, said
 * once on stderr and in the report, and never handed to the application's default
 * uncaught-exception handler, which belongs to the application.
 */
public final class AgentThreads extends ThreadGroup {

    private final AtomicLong uncaught = new AtomicLong();
    private volatile String first;

    public AgentThreads() {
        super("connscope");
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        try {
            if (uncaught.getAndIncrement() == 0) {
                first = t.getName() + ": " + e;
            }
            AgentLog.once("uncaught", "an internal error ended connscope's thread " + t.getName()
                + " (the application is not affected): " + e, e);
        } catch (Throwable ignored) {
            // nothing more can be done without reaching the application
        }
    }

    /** Exceptions that ended one of connscope's threads. */
    public long uncaught() {
        return uncaught.get();
    }

    /** The first of them, "thread: exception", or null. */
    public String firstUncaught() {
        return first;
    }

    /** A daemon thread of this group: it never keeps the JVM alive. */
    public Thread daemon(String name, Runnable work) {
        Thread t = new Thread(this, work, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs {@code work} on a daemon thread of this group and waits for it at most {@code timeoutMillis}:
     * the exit hook's work (flush, report) may block on a collector or on the application's stderr,
     * and the JVM must exit all the same once the timeout has passed. True when it finished in time.
     */
    public boolean runBounded(String name, Runnable work, long timeoutMillis) {
        Thread t = daemon(name, work);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean interrupted = false;
        try {
            while (t.isAlive()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for a thread until the deadline (System.nanoTime()) at the latest. */
    public static void joinUntil(Thread t, long deadlineNanos) {
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
}
