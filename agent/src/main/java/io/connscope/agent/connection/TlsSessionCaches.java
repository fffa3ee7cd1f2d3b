package io.connscope.agent.connection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TLS session caches (an SSLContext's client session context, by identity) that handshakes to one
 * destination came from, and for each, the full handshakes it paid while it already held a session
 * there: only a cache that had a session could have resumed. Bounded to {@link #MAX} caches, the least
 * recently used forgotten; a handshake is counted once, so a lock costs nothing on the hot path.
 */
final class TlsSessionCaches {

    static final int MAX = 16;

    /** Per cache: when its first session to the destination was made (its handshake's end), and its count. */
    private final Map<Integer, long[]> caches = new LinkedHashMap<Integer, long[]>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
            return size() > MAX;
        }
    };

    /**
     * Counts a successful handshake from {@code cache}: returns how many full handshakes that cache paid
     * while it held a session for the destination, this one included (0 when it resumed, or had none).
     */
    synchronized long add(int cache, TlsInfo tls) {
        long[] c = caches.computeIfAbsent(cache, k -> new long[2]);
        if (Boolean.FALSE.equals(tls.resumed) && c[0] != 0L && tls.startNanos > c[0]) {
            c[1]++;
            return c[1];
        }
        long end = tls.endNanos == 0L ? 1L : tls.endNanos;
        if (c[0] == 0L || end < c[0]) {
            c[0] = end;
        }
        return 0;
    }

    /** How many caches handshakes to the destination came from (at most {@link #MAX}). */
    synchronized int count() {
        return caches.size();
    }
}
