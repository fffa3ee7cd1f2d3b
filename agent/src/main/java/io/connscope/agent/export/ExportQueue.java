package io.connscope.agent.export;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.diagnose.ExchangeRecord;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished connections and exchanges on their way from application threads to the export thread.
 * Bounded and lock-free: offering never blocks; when the queue is full the item is dropped and
 * counted. Items are {@link ConnectionRecord}s and {@link ExchangeRecord}s, in the order they finished.
 */
public final class ExportQueue {

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final int capacity;

    public ExportQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Queues a {@link ConnectionRecord} or {@link ExchangeRecord}, or drops and counts it when the queue is full. */
    public void offer(Object record) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(record);
    }

    public Object poll() {
        Object r = queue.poll();
        if (r != null) {
            size.decrementAndGet();
        }
        return r;
    }

    public long dropped() {
        return dropped.get();
    }
}
