package io.connscope.agent.connection;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Open connections by the identity of their JDK object (Socket, SocketChannel or SocketImpl), held
 * weakly: a socket dropped without close is collected as usual and its record comes back from
 * {@link #collected()} to be reported as leaked.
 *
 * <p>A weak map is needed because retransformed JDK classes cannot gain fields. Lookups reuse one
 * key object per thread, so {@link #get} allocates nothing. A dedicated map (rather than
 * weak-lock-free's WeakConcurrentMap) because the record of a collected key must be handed back.
 */
public final class ConnectionRegistry {

    private final ConcurrentHashMap<Object, ConnectionRecord> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collectedKeys = new ReferenceQueue<>();
    private final ThreadLocal<LookupKey> lookupKeys = ThreadLocal.withInitial(LookupKey::new);
    private final AtomicLong untracked = new AtomicLong();
    private final int limit;

    public ConnectionRegistry(int limit) {
        this.limit = limit;
    }

    /** The record for this socket or channel, or null when it is not tracked. Allocation-free. */
    public ConnectionRecord get(Object key) {
        LookupKey lookup = lookupKeys.get();
        lookup.target = key;
        lookup.hash = System.identityHashCode(key);
        try {
            return map.get(lookup);
        } finally {
            lookup.target = null;
        }
    }

    /** Tracks the connection; false (and counted) when the tracking limit is reached. */
    public boolean register(Object key, ConnectionRecord record) {
        if (map.size() >= limit) {
            untracked.incrementAndGet();
            return false;
        }
        WeakKey k = new WeakKey(key, record, collectedKeys, false);
        record.registryKey = k;
        map.put(k, record);
        return true;
    }

    /** Makes a second object (the legacy SocketImpl behind a Socket) find the same record. */
    public void alias(Object key, ConnectionRecord record) {
        WeakKey k = new WeakKey(key, record, collectedKeys, true);
        record.registryAlias = k;
        map.put(k, record);
    }

    /** Makes the SSLEngine whose ciphertext the connection carries find its record. */
    public void aliasEngine(Object engine, ConnectionRecord record) {
        WeakKey k = new WeakKey(engine, record, collectedKeys, true);
        record.registryEngine = k;
        map.put(k, record);
    }

    /** Stops tracking; returns the record, or null when it was not tracked. */
    public ConnectionRecord remove(Object key) {
        LookupKey lookup = lookupKeys.get();
        lookup.target = key;
        lookup.hash = System.identityHashCode(key);
        ConnectionRecord r;
        try {
            r = map.remove(lookup);
        } finally {
            lookup.target = null;
        }
        if (r != null) {
            forget(r);
        }
        return r;
    }

    /**
     * Stops tracking a connection that ended earlier: closed connections stay findable for a while,
     * so that a hook still running on another thread when the close happened is counted.
     */
    public void release(ConnectionRecord r) {
        Object key = r.registryKey;
        if (key != null) {
            map.remove(key);
        }
        forget(r);
    }

    private void forget(ConnectionRecord r) {
        forgetAlias(r.registryAlias);
        forgetAlias(r.registryEngine);
        Object key = r.registryKey;
        if (key != null) {
            ((WeakKey) key).clear();
        }
    }

    private void forgetAlias(Object alias) {
        if (alias != null) {
            map.remove(alias);
            ((WeakKey) alias).clear();
        }
    }

    /** Records whose socket was garbage-collected while still open. Each is returned once. */
    public List<ConnectionRecord> collected() {
        List<ConnectionRecord> out = new ArrayList<>();
        Reference<?> ref;
        while ((ref = collectedKeys.poll()) != null) {
            WeakKey k = (WeakKey) ref;
            if (!k.alias && map.remove(k) != null) {
                forget(k.record);
                out.add(k.record);
            }
        }
        return out;
    }

    /** A snapshot of the connections tracked: open ones, and closed ones not yet released. */
    public List<ConnectionRecord> open() {
        List<ConnectionRecord> out = new ArrayList<>();
        map.forEach((k, r) -> {
            if (!((WeakKey) k).alias) {
                out.add(r);
            }
        });
        return out;
    }

    /** Each connection tracked, as {@link #open()} lists them, with its key: null once collected. */
    public void forEachOpen(BiConsumer<Object, ConnectionRecord> action) {
        map.forEach((k, r) -> {
            if (!((WeakKey) k).alias) {
                action.accept(((WeakKey) k).get(), r);
            }
        });
    }

    /** True when no more connections can be tracked. */
    public boolean isFull() {
        return map.size() >= limit;
    }

    /** Connections not followed because the limit was reached. */
    public long untracked() {
        return untracked.get();
    }

    private static final class WeakKey extends WeakReference<Object> {
        final int hash;
        final ConnectionRecord record;
        final boolean alias;

        WeakKey(Object referent, ConnectionRecord record, ReferenceQueue<Object> queue, boolean alias) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
            this.record = record;
            this.alias = alias;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (o instanceof WeakKey) {
                Object mine = get();
                return mine != null && mine == ((WeakKey) o).get();
            }
            return false;
        }
    }

    private static final class LookupKey {
        Object target;
        int hash;

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WeakKey && ((WeakKey) o).get() == target;
        }
    }
}
