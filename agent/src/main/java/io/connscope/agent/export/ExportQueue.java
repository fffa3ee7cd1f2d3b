package io.connscope.agent.export;

import io.connscope.agent.connection.ConnectionRecord;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished connections on their way from application threads to the export thread. Bounded and
 * lock-free: {@link #offer} never blocks; when the queue is full the record is dropped and counted.
 */
public final class ExportQueue {

    private final ConcurrentLinkedQueue<ConnectionRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final int capacity;

    public ExportQueue(int capacity) {
        this.capacity = capacity;
    }

    public void offer(ConnectionRecord record) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(record);
    }

    public ConnectionRecord poll() {
        ConnectionRecord r = queue.poll();
        if (r != null) {
            size.decrementAndGet();
        }
        return r;
    }

    public long dropped() {
        return dropped.get();
    }
}
