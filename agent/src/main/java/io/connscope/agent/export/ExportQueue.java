package io.connscope.agent.export;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.diagnose.ExchangeRecord;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished connections and exchanges on their way from application threads to the export thread,
 * in the order they finished. Lock-free: offering never blocks. Exchanges are bounded by the
 * capacity: when it is reached, an exchange is dropped and counted. Connections are never dropped:
 * each is still in the registry, which bounds them (connscope.max.connections), and only the export
 * thread releases it from there, so a dropped one would stay tracked until its socket is collected.
 */
public final class ExportQueue {

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final int capacity;

    public ExportQueue(int capacity) {
        this.capacity = capacity;
    }

    public void offer(ConnectionRecord connection) {
        queue.offer(connection);
    }

    /** Queues an exchange, or drops and counts it when the queue already holds its capacity of exchanges. */
    public void offer(ExchangeRecord exchange) {
        if (exchanges.incrementAndGet() > capacity) {
            exchanges.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(exchange);
    }

    /** The next {@link ConnectionRecord} or {@link ExchangeRecord}, or null. */
    public Object poll() {
        Object r = queue.poll();
        if (r instanceof ExchangeRecord) {
            exchanges.decrementAndGet();
        }
        return r;
    }

    /** Exchanges dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }
}
