package io.connscope.agent.connection;

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pairs each {@code SSLEngine} with the connection that carries its ciphertext. Both see the same
 * ClientHello: a client engine wraps it just before its channel writes it, a server's channel reads
 * it just before its engine unwraps it. Whichever side comes first waits here for the other, once
 * per connection and off the hot path. Bounded: the oldest waiting side is dropped, and counted.
 */
final class TlsEngines {

    private static final int MAX_WAITING = 1024;

    /** One side of a handshake waiting for the other: an engine (held weakly) or a connection. */
    static final class Side {
        final WeakReference<Object> engine;
        final ConnectionRecord record;
        /** When the handshake started: the ClientHello was wrapped (client) or read (server). */
        final long startNanos;
        final long startEpochMillis;

        Side(Object engine, ConnectionRecord record, long startNanos, long startEpochMillis) {
            this.engine = engine == null ? null : new WeakReference<>(engine);
            this.record = record;
            this.startNanos = startNanos;
            this.startEpochMillis = startEpochMillis;
        }
    }

    private final AtomicLong dropped = new AtomicLong();
    /**
     * By the end the side is on: when client and server run in one JVM, both ends see each
     * ClientHello, and a client engine must not pair with the server's connection.
     */
    private final Map<ClientHelloId, Side> clients = waitingMap();
    private final Map<ClientHelloId, Side> servers = waitingMap();

    private Map<ClientHelloId, Side> waitingMap() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ClientHelloId, Side> eldest) {
                if (size() > MAX_WAITING) {
                    // An engine may wait in vain (its connection is not followed); a followed connection may not.
                    ConnectionRecord r = eldest.getValue().record;
                    if (r != null) {
                        TlsFacts.of(r).clientHello = null;
                        dropped.incrementAndGet();
                    }
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * The side at the same end that saw {@code id} before this one, removed; or null, and this side
     * waits. Two sides of the same kind (a ClientHello replayed on another connection) do not pair.
     */
    synchronized Side pair(ClientHelloId id, boolean client, Side side) {
        Map<ClientHelloId, Side> waiting = client ? clients : servers;
        Side other = waiting.get(id);
        if (other != null && (other.engine == null) != (side.engine == null)) {
            waiting.remove(id);
            if (other.record != null) {
                TlsFacts.of(other.record).clientHello = null;
            }
            return other;
        }
        waiting.put(id, side);
        return null;
    }

    /**
     * The connection ended: it no longer waits for an engine (it carried TLS from a library other
     * than the JDK's, or an SSLSocket layered over it, which its own hooks follow).
     */
    synchronized void forget(ConnectionRecord r) {
        ClientHelloId id = r.tls().clientHello;
        if (id != null) {
            Map<ClientHelloId, Side> waiting = r.role == Role.CLIENT ? clients : servers;
            Side side = waiting.get(id);
            if (side != null && side.record == r) {
                waiting.remove(id);
            }
            TlsFacts.of(r).clientHello = null;
        }
    }

    /** Followed connections dropped unpaired because too many sides were waiting. */
    long dropped() {
        return dropped.get();
    }
}
