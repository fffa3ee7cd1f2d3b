package io.connscope.agent.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of a connection's lifecycle events in one {@code long}: 15 slots of 4 bits plus a
 * 4-bit count. Appending is lock-free and allocation-free. When full, the last slot keeps the
 * newest event, so the final close is never lost.
 */
public final class EventLog {

    static final int CAPACITY = 15;
    private static final VarHandle BITS;

    static {
        try {
            BITS = MethodHandles.lookup().findVarHandle(EventLog.class, "bits", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through BITS
    private volatile long bits;

    public void add(ConnectionEvent event) {
        long code = event.ordinal();
        while (true) {
            long current = bits;
            int count = (int) (current >>> 60);
            long next;
            if (count < CAPACITY) {
                next = (current & ~(0xFL << 60)) | (code << (count * 4)) | ((long) (count + 1) << 60);
            } else {
                int last = (CAPACITY - 1) * 4;
                next = (current & ~(0xFL << last)) | (code << last);
            }
            if (BITS.compareAndSet(this, current, next)) {
                return;
            }
        }
    }

    public boolean contains(ConnectionEvent event) {
        long current = bits;
        int count = (int) (current >>> 60);
        for (int i = 0; i < count; i++) {
            if (((current >>> (i * 4)) & 0xF) == event.ordinal()) {
                return true;
            }
        }
        return false;
    }

    public List<ConnectionEvent> events() {
        long current = bits;
        int count = (int) (current >>> 60);
        List<ConnectionEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(ConnectionEvent.ofCode((int) ((current >>> (i * 4)) & 0xF)));
        }
        return out;
    }
}
