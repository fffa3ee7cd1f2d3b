package io.connscope.agent.connection;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last sockets turned away, held weakly, so that asking about one of them again is a scan of a
 * small array, with no allocation. When more are turned away than it holds, the oldest is forgotten
 * and asked about afresh at its next I/O.
 */
final class DeclinedKeys {

    private final AtomicReferenceArray<WeakReference<Object>> slots;
    private final AtomicInteger next = new AtomicInteger();

    DeclinedKeys(int size) {
        slots = new AtomicReferenceArray<>(size);
    }

    boolean contains(Object key) {
        for (int i = 0; i < slots.length(); i++) {
            WeakReference<Object> ref = slots.get(i);
            if (ref != null && ref.get() == key) {
                return true;
            }
        }
        return false;
    }

    void add(Object key) {
        slots.set(Math.floorMod(next.getAndIncrement(), slots.length()), new WeakReference<>(key));
    }
}
