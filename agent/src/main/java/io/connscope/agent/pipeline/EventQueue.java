package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.FinishedSink;
import io.connscope.agent.wire.WireExchange;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Finished exchanges and settled connections on their way to the pipeline thread. Offering never
 * blocks and never locks.
 *
 * <p>Exchanges come from application threads, at the rate the application makes requests: they go
 * to a bounded ring with one slot per exchange, made at start, so that queueing one allocates
 * nothing and costs one compare-and-set (D. Vyukov's bounded queue, with one consumer: each slot's
 * sequence number says whether it is free for the producer of a position or filled for the
 * consumer). When {@code capacity} exchanges wait, a new one is dropped and counted; a dropped
 * exchange is not diagnosed either.
 *
 * <p>Connections come from settling, on the pipeline thread itself (or the exit's last pass), after
 * their last exchanges were offered, and are never dropped: the registry bounds them
 * (connscope.max.connections). The pipeline takes every waiting exchange before a connection, so
 * each exchange reaches the sinks before its connection does.
 */
public final class EventQueue implements FinishedSink {

    /** Spins the consumer allows a producer between taking a slot and filling it, before trying again later. */
    private static final int PUBLISH_SPINS = 1000;

    private final int capacity;
    private final int mask;
    private final AtomicReferenceArray<ConnectionRecord> connectionOf;
    private final AtomicReferenceArray<WireExchange> exchangeIn;
    /** Per slot: its position when free for the producer of that position, the position + 1 once filled. */
    private final AtomicLongArray sequences;
    /** The next position a producer takes. */
    private final AtomicLong tail = new AtomicLong();
    /** The next position the consumer reads; written by the consumer only, read by producers for the bound. */
    private final AtomicLong head = new AtomicLong();
    private final ConcurrentLinkedQueue<ConnectionRecord> connections = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    /** The pipeline thread, woken when the queue is half full rather than at its next tick. */
    private volatile Thread consumer;

    public EventQueue(int capacity) {
        if (capacity <= 0 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity " + capacity + " outside 1 to 2^30");
        }
        this.capacity = capacity;
        int slots = Integer.highestOneBit(capacity);
        slots = slots < capacity ? slots << 1 : slots;
        this.mask = slots - 1;
        connectionOf = new AtomicReferenceArray<>(slots);
        exchangeIn = new AtomicReferenceArray<>(slots);
        sequences = new AtomicLongArray(slots);
        for (int i = 0; i < slots; i++) {
            sequences.set(i, i);
        }
    }

    void consumer(Thread t) {
        consumer = t;
    }

    @Override
    public void connection(ConnectionRecord connection) {
        connections.offer(connection);
    }

    /** Queues an exchange, or drops and counts it when the queue already holds its capacity of exchanges. */
    @Override
    public void exchange(ConnectionRecord connection, WireExchange exchange) {
        long pos = tail.get();
        while (true) {
            if (pos - head.get() >= capacity) {
                dropped.incrementAndGet();
                return;
            }
            int slot = (int) pos & mask;
            long seq = sequences.get(slot);
            if (seq == pos) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    break;
                }
                pos = tail.get();
            } else if (seq < pos) {
                // The consumer has not freed this slot since the ring last went round: full for now.
                dropped.incrementAndGet();
                return;
            } else {
                pos = tail.get(); // another producer took this position
            }
        }
        int slot = (int) pos & mask;
        connectionOf.lazySet(slot, connection);
        exchangeIn.lazySet(slot, exchange);
        sequences.lazySet(slot, pos + 1); // published: the sequence is written after the items (release)
        if (pos - head.get() == capacity / 2) {
            Thread t = consumer;
            if (t != null) {
                LockSupport.unpark(t); // once per filling: the pipeline drains before the queue overflows
            }
        }
    }

    /**
     * Hands the next waiting exchange to {@code exchanges} and returns true, or else the next settled
     * connection to {@code connections}, or returns false when nothing waits. Pipeline thread only
     * (or the exit's last pass, under the pipeline's lock). A producer that took a slot but has not
     * filled it yet is waited for briefly; if it still has not, false is returned (the next tick
     * tries again), unless {@code everything} asks to go on to the connections regardless.
     */
    boolean poll(Consumer consumer, boolean everything) {
        long h = head.get();
        int slot = (int) h & mask;
        long seq = sequences.get(slot);
        for (int spins = 0; seq != h + 1 && tail.get() > h && spins < PUBLISH_SPINS; spins++) {
            Thread.onSpinWait();
            seq = sequences.get(slot);
        }
        if (seq == h + 1) {
            ConnectionRecord r = connectionOf.get(slot);
            WireExchange e = exchangeIn.get(slot);
            connectionOf.lazySet(slot, null);
            exchangeIn.lazySet(slot, null);
            sequences.lazySet(slot, h + mask + 1); // free for the producer one round later
            head.lazySet(h + 1);
            consumer.exchange(r, e);
            return true;
        }
        if (tail.get() > h && !everything) {
            return false; // a producer is still filling the head slot: its exchange must come first
        }
        ConnectionRecord r = connections.poll();
        if (r == null) {
            return false;
        }
        consumer.connection(r);
        return true;
    }

    /** Exchanges dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** What {@link #poll} hands items to. */
    interface Consumer {
        void exchange(ConnectionRecord connection, WireExchange exchange);

        void connection(ConnectionRecord connection);
    }
}
