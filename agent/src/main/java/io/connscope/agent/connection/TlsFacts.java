package io.connscope.agent.connection;

import io.connscope.agent.runtime.FirstUse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What TLS did on one connection: its handshakes, as the socket or the SSLEngine told them, what the
 * destination's other handshakes were by then (for tls-no-resumption), and how the TLS session
 * ended. Written by lifecycle tracking (ConnectionOpenings, JdkClientEvents, EngineTls), read by the
 * rules and the sinks once the connection has settled.
 */
public final class TlsFacts {

    /** The facts of a connection on which no TLS was seen; never written (writers go through {@link #of}). */
    static final TlsFacts NONE = new TlsFacts();
    private static final VarHandle RECORD_TLS = FirstUse.field(MethodHandles.lookup(), ConnectionRecord.class, "tls",
        TlsFacts.class);

    /** The first handshake's outcome, or null when none was seen. */
    volatile TlsInfo info;
    volatile int handshakes;
    /**
     * For a full TLS handshake that began once an earlier handshake to this destination had ended
     * (a session existed to resume): how many such there were then, this one included; else 0.
     */
    volatile long fullWithSessionToDestination;
    /** The same, counting only handshakes from this one's session cache (0 when its cache is not known). */
    volatile long fullWithSessionInCache;
    /** How many session caches (SSLContexts) handshakes to the destination came from, as of this one; 0 if unknown. */
    volatile int cachesToDestination;
    /** The resumed handshakes to the destination by then. */
    volatile long resumedToDestination;
    /** When this end's SSLEngine read the peer's close_notify (it ended the TLS session), or 0. */
    volatile long peerCloseNotifyNanos;
    /**
     * Whether this end's SSLEngine wrapped application data after the peer ended its side (its
     * close_notify, or its end of stream): a reset could then destroy it.
     */
    volatile boolean wroteAfterPeerEnded;
    /** A TLS socket: its HTTP is analysed from the plaintext streams, not from the TCP bytes. */
    volatile boolean plaintext;
    /** The ClientHello this connection carried while it waits for the engine that wrapped or unwraps it. */
    volatile ClientHelloId clientHello;
    /** When the SSLEngine handshake on this connection started (System.nanoTime), or 0. */
    volatile long engineHandshakeStartNanos;
    /** The same moment by the wall clock, which SSLSession.getCreationTime() uses. */
    volatile long engineHandshakeStartEpochMillis;
    /** The identity of the SSLEngine session last seen finishing a handshake. */
    volatile int engineSession;
    /** What the ServerHello said of resumption, read from an engine's ciphertext; null until one is read. */
    volatile ServerHello.Resumption serverHelloResumption;

    /**
     * The facts of {@code r}, to be written: made on first use, so that a plain connection (most of
     * those idle in a pool) holds none. Two threads may ask at once (the two directions of an engine's
     * connection): one of their objects is kept, and both get it.
     */
    static TlsFacts of(ConnectionRecord r) {
        return FirstUse.get(RECORD_TLS, r, TlsFacts::new);
    }

    /** The first handshake's outcome, or null when none was seen. */
    public TlsInfo info() {
        return info;
    }

    public int handshakes() {
        return handshakes;
    }

    /** See the field of the same name. */
    public long fullWithSessionToDestination() {
        return fullWithSessionToDestination;
    }

    public long fullWithSessionInCache() {
        return fullWithSessionInCache;
    }

    public int cachesToDestination() {
        return cachesToDestination;
    }

    public long resumedToDestination() {
        return resumedToDestination;
    }

    public long peerCloseNotifyNanos() {
        return peerCloseNotifyNanos;
    }

    public boolean wroteAfterPeerEnded() {
        return wroteAfterPeerEnded;
    }

    /** Followed through an SSLEngine: when its handshake started (System.nanoTime), or 0. */
    public long engineHandshakeStartNanos() {
        return engineHandshakeStartNanos;
    }
}
