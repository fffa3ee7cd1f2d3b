package io.connscope.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What happened to the items of one signal (spans, log records or metric points) between connscope and
 * the collector: admitted to the SDK's batch queue, refused because that queue was full, handed to the
 * exporter, sent, or failed. Nothing goes missing without a count: the batch processor would drop
 * silently when its queue is full, so {@link #admit()} refuses before that can happen.
 */
public final class SignalAccount {

    private static final long WAIT_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long NO_PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long CONGESTED_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The name OpenTelemetry's exporter messages use for this signal ("spans", "logs", "metrics"). */
    final String sdkName;
    /** The value of connscope.telemetry.item for this signal. */
    final String item;
    private final ExportHealth health;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile int queueCapacity;
    /** When the exporter last stopped taking batches from a full queue. */
    private long congestedSince = System.nanoTime() - CONGESTED_NANOS;
    /** Exporters behind the batch processor: a composite one hands each batch to every one of them. */
    private final AtomicInteger exporters = new AtomicInteger();
    volatile String lastFailure;
    volatile String sdkMessage;

    SignalAccount(String sdkName, String item, ExportHealth health) {
        this.sdkName = sdkName;
        this.item = item;
        this.health = health;
    }

    void gateAt(int capacity) {
        queueCapacity = capacity;
    }

    void addExporter() {
        exporters.incrementAndGet();
    }

    /** Items that left the batch queue for the exporters. */
    private long handedOver() {
        return handed.get() / Math.max(1, exporters.get());
    }

    /**
     * True when the batch queue has room for one more item; otherwise the item is counted as dropped.
     * Called on connscope's export thread only, never on an application thread: when the queue is full
     * but the exporter is taking batches, that thread waits for room, so a burst (the backlog of
     * start-up, a storm of short connections) is sent rather than dropped. An exporter that takes
     * nothing for {@link #NO_PROGRESS_NANOS} marks the queue congested, and for {@link #CONGESTED_NANOS}
     * items are dropped without waiting: a slow or stalled collector costs that thread little.
     */
    boolean admit() {
        int capacity = queueCapacity;
        if (capacity > 0 && admitted.get() - handedOver() >= capacity && !awaitRoom(capacity)) {
            queueFull.incrementAndGet();
            return false;
        }
        admitted.incrementAndGet();
        return true;
    }

    private boolean awaitRoom(int capacity) {
        long now = System.nanoTime();
        if (now - congestedSince < CONGESTED_NANOS) {
            return false;
        }
        long taken = handed.get();
        long progress = now;
        while (admitted.get() - handedOver() >= capacity) {
            LockSupport.parkNanos(WAIT_STEP_NANOS);
            now = System.nanoTime();
            long h = handed.get();
            if (h != taken) {
                taken = h;
                progress = now;
            } else if (now - progress > NO_PROGRESS_NANOS) {
                congestedSince = now;
                return false;
            }
        }
        return true;
    }

    /** Follows one export call of {@code size} items to its result. */
    CompletableResultCode export(int size, CompletableResultCode result) {
        handed.addAndGet(size);
        inFlight.addAndGet(size);
        result.whenComplete(() -> {
            inFlight.addAndGet(-size);
            if (result.isSuccess()) {
                sent.addAndGet(size);
                health.succeeded(this);
            } else {
                failed.addAndGet(size);
                health.failed(this, result.getFailureThrowable());
            }
        });
        return result;
    }

    long queueFull() {
        return queueFull.get();
    }

    long failed() {
        return failed.get();
    }

    long sent() {
        return sent.get();
    }

    /** Items still waiting in the batch queue or in an export that has not finished. */
    long unsent() {
        return Math.max(0, admitted.get() - handedOver()) + inFlight.get();
    }
}
