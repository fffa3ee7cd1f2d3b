package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.FinishedSink;
import io.connscope.agent.connection.NameLookup;
import io.connscope.agent.wire.WireExchange;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Finished exchanges and settled connections on their way to the pipeline thread, in the order they
 * finished. Lock-free: offering never blocks. Exchanges come from application threads and are
 * bounded by the capacity: when it is reached, an exchange is dropped and counted. Connections come
 * from settling, on the pipeline thread itself, and are never dropped: the registry bounds them
 * (connscope.max.connections). A dropped exchange is not diagnosed either: its rules run on the
 * pipeline thread, off the application's.
 */
public final class EventQueue implements FinishedSink {

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedLookups = new AtomicLong();
    private final int capacity;
    /** The pipeline thread, woken when the queue is half full rather than at its next tick. */
    private volatile Thread consumer;

    public EventQueue(int capacity) {
        this.capacity = capacity;
    }

    void consumer(Thread t) {
        consumer = t;
    }

    @Override
    public void connection(ConnectionRecord connection) {
        queue.offer(connection);
    }

    /** Queues an exchange, or drops and counts it when the queue already holds its capacity of exchanges. */
    @Override
    public void exchange(ConnectionRecord connection, WireExchange exchange) {
        int held = exchanges.incrementAndGet();
        if (held > capacity) {
            exchanges.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(new Queued(connection, exchange));
        wakeAtHalf(held);
    }

    /** Wakes the pipeline once per filling, as the items held cross half the capacity: it drains before overflowing. */
    private void wakeAtHalf(int held) {
        if (held == capacity / 2 + 1) {
            Thread t = consumer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Queues a name look-up for export, bounded and counted as an exchange is: both come from application threads. */
    @Override
    public void lookup(NameLookup lookup) {
        int held = exchanges.incrementAndGet();
        if (held > capacity) {
            exchanges.decrementAndGet();
            droppedLookups.incrementAndGet();
            return;
        }
        queue.offer(lookup);
        wakeAtHalf(held);
    }

    /** The next {@link ConnectionRecord}, {@link Queued} exchange or {@link NameLookup}, or null. */
    Object poll() {
        Object r = queue.poll();
        if (r instanceof Queued || r instanceof NameLookup) {
            exchanges.decrementAndGet();
        }
        return r;
    }

    /** Exchanges dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Name look-ups dropped because the queue was full (they are still counted per name in the report). */
    public long droppedLookups() {
        return droppedLookups.get();
    }

    /** An exchange waiting for diagnosis. */
    static final class Queued {
        final ConnectionRecord connection;
        final WireExchange exchange;

        Queued(ConnectionRecord connection, WireExchange exchange) {
            this.connection = connection;
            this.exchange = exchange;
        }
    }
}
