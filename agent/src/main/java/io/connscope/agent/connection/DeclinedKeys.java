package io.connscope.agent.connection;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Sockets turned away, held weakly in a slot chosen by identity hash, so that asking about one again
 * is one slot read, with no allocation. Two sockets that share a slot displace each other; the one
 * displaced is asked about afresh at its next I/O.
 */
final class DeclinedKeys {

    private final AtomicReferenceArray<WeakReference<Object>> slots;
    private final int mask;

    /** @param size a power of two */
    DeclinedKeys(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two: " + size);
        }
        slots = new AtomicReferenceArray<>(size);
        mask = size - 1;
    }

    boolean contains(Object key) {
        WeakReference<Object> ref = slots.get(System.identityHashCode(key) & mask);
        return ref != null && ref.get() == key;
    }

    void add(Object key) {
        slots.set(System.identityHashCode(key) & mask, new WeakReference<>(key));
    }
}
