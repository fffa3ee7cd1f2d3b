package io.connscope.agent.connection;

import io.connscope.bridge.EngineBridge;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;

/**
 * TLS through an {@code SSLEngine}, any engine: pairs each engine with the connection that carries its
 * ciphertext (see {@link TlsEngines}), hands the plaintext of a paired engine to the HTTP analysis,
 * and records its handshake: start, end, version, cipher, ALPN, resumption, or how it failed.
 */
final class EngineTls {

    /** error.type of an SSLEngine handshake that its connection's end cut short. */
    static final String HANDSHAKE_INCOMPLETE = "handshake_incomplete";

    private final ConnectionRegistry registry;
    private final WireAnalysis http;
    private final TlsEngines engines = new TlsEngines();

    EngineTls(ConnectionRegistry registry, WireAnalysis http) {
        this.registry = registry;
        this.http = http;
    }

    /** A wrap or unwrap returned {@code result} or threw {@code failure} (see {@code ConnectionSink.tlsEngine}). */
    void engineCall(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain, int plainOffset,
                    Object net, int netOffset) {
        ConnectionRecord r = registry.get(engine);
        if (r == null) {
            if (result != null) {
                notPaired(engine, wrap, (SSLEngineResult) result, net, netOffset);
            }
            return;
        }
        if (failure != null) {
            failed(r, failure);
            return;
        }
        SSLEngineResult res = (SSLEngineResult) result;
        int moved = wrap ? res.bytesConsumed() : res.bytesProduced();
        if (moved > 0) {
            http.feed(r, wrap == (r.role == Role.CLIENT), plain, plainOffset, moved, System.nanoTime());
        }
        if (TlsFacts.of(r).peerCloseNotifyNanos != 0L || r.eofNanos != 0L) {
            if (wrap && moved > 0) {
                TlsFacts.of(r).wroteAfterPeerEnded = true;
            }
        }
        if (TlsFacts.of(r).peerCloseNotifyNanos == 0L && !wrap && res.getStatus() == SSLEngineResult.Status.CLOSED && res.bytesConsumed() > 0) {
            TlsFacts.of(r).peerCloseNotifyNanos = System.nanoTime(); // the peer's alert, read (not this side's closeInbound)
        }
        if (TlsFacts.of(r).info == null && TlsFacts.of(r).serverHelloResumption == null && wrap == (r.role == Role.SERVER)) {
            serverHello(r, wrap, res, net, netOffset);
        }
        if (res.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            handshakeFinished(r, engine);
        }
    }

    /**
     * A wrap or unwrap of an engine not yet paired with its connection: the one that moves the
     * ClientHello (the client's first wrap, the server's first unwrap) starts its handshake and
     * pairs it with the connection that carried the same ClientHello.
     */
    private void notPaired(Object engine, boolean wrap, SSLEngineResult res, Object net, int netOffset) {
        int n = wrap ? res.bytesProduced() : res.bytesConsumed();
        Object buffer = net instanceof Object[] && netOffset >= 0 && netOffset < ((Object[]) net).length
            ? ((Object[]) net)[netOffset] : net;
        if (n < ClientHelloId.MIN_BYTES || !(buffer instanceof ByteBuffer)) {
            return;
        }
        ByteBuffer b = (ByteBuffer) buffer;
        // From where the buffer was before the call: a ClientHello may span several input buffers (Netty
        // cumulates reads), and then only its start is in this one.
        int before = EngineBridge.tlsNetPositionBefore();
        int from = before >= 0 && before <= b.position() ? before : b.position() - n;
        ClientHelloId id = ClientHelloId.of(b, from, b.position() - from);
        if (id == null) {
            return;
        }
        TlsEngines.Side other = engines.pair(id, ((SSLEngine) engine).getUseClientMode(),
            new TlsEngines.Side(engine, null, System.nanoTime(), System.currentTimeMillis()));
        if (other != null) {
            // A server: its connection read the ClientHello, which started the handshake.
            pair(other.record, engine, other.startNanos, other.startEpochMillis);
        }
    }

    /**
     * During a handshake, the ciphertext coming from the server (a server's wrap, a client's unwrap):
     * once it holds the ServerHello, what that says of resumption is kept for the handshake's end.
     */
    private static void serverHello(ConnectionRecord r, boolean wrap, SSLEngineResult res, Object net, int netOffset) {
        int n = wrap ? res.bytesProduced() : res.bytesConsumed();
        Object buffer = net instanceof Object[] && netOffset >= 0 && netOffset < ((Object[]) net).length
            ? ((Object[]) net)[netOffset] : net;
        if (n <= 0 || !(buffer instanceof ByteBuffer)) {
            return;
        }
        ByteBuffer b = (ByteBuffer) buffer;
        int before = wrap ? -1 : EngineBridge.tlsNetPositionBefore();
        int from = before >= 0 && before <= b.position() ? before : b.position() - n;
        ServerHello.Resumption found = ServerHello.of(b, from, b.position() - from);
        if (found != ServerHello.Resumption.UNKNOWN) {
            TlsFacts.of(r).serverHelloResumption = found;
        }
    }

    /**
     * A connection's first bytes toward the server: true when they are a ClientHello, and the
     * connection then waits for (or got) its engine, whose plaintext is analysed from then on.
     */
    boolean firstRequestBytes(ConnectionRecord r, Object key, Object data, int offset, long n) {
        r.firstRequestBytesSeen = true;
        ClientHelloId id = ClientHelloId.in(data, offset, (int) Math.min(n, Integer.MAX_VALUE));
        if (id == null) {
            return false;
        }
        // Marked before the plaintext's analysis is installed: a racing read of ciphertext that finds the new
        // analysis then also finds the mark, and is dropped (see WireAnalysis.feed).
        TlsFacts.of(r).plaintext = true;
        http.start(r, key);
        TlsEngines.Side other = engines.pair(id, r.role == Role.CLIENT,
            new TlsEngines.Side(null, r, System.nanoTime(), System.currentTimeMillis()));
        TlsFacts.of(r).clientHello = other == null ? id : null;
        if (other != null) {
            Object engine = other.engine.get();
            if (engine != null) {
                // A client: its engine wrapped the ClientHello, which started the handshake.
                pair(r, engine, other.startNanos, other.startEpochMillis);
            }
        }
        return true;
    }

    private void pair(ConnectionRecord r, Object engine, long startNanos, long startEpochMillis) {
        TlsFacts.of(r).engineHandshakeStartNanos = startNanos;
        TlsFacts.of(r).engineHandshakeStartEpochMillis = startEpochMillis;
        if (r.isFinished()) {
            // The peer closed at once, and the reader saw it before the writer's hook saw the ClientHello go out.
            cutShort(r, r.endNanos);
            return;
        }
        registry.aliasEngine(engine, r);
    }

    /** The connection ended: it waits for no engine any more, and a handshake still running was cut short. */
    void connectionEnded(ConnectionRecord r, long endNanos) {
        engines.forget(r);
        cutShort(r, endNanos);
    }

    /** An engine whose peer went away mid-handshake does not throw: its caller sees the end of stream. */
    private static void cutShort(ConnectionRecord r, long endNanos) {
        if (TlsFacts.of(r).info == null && TlsFacts.of(r).engineHandshakeStartNanos != 0L) {
            TlsFacts.of(r).handshakes++;
            new TlsInfo(TlsFacts.of(r).engineHandshakeStartNanos, Math.max(endNanos, TlsFacts.of(r).engineHandshakeStartNanos), null, null, null, null,
                HANDSHAKE_INCOMPLETE).recordOn(r);
        }
    }

    /**
     * An engine reports FINISHED after a handshake, and again (TLS 1.3) after each post-handshake
     * message such as a NewSessionTicket, whose session is the same: only a new session counts.
     */
    private static void handshakeFinished(ConnectionRecord r, Object engine) {
        SSLEngine e = (SSLEngine) engine;
        SSLSession session = e.getSession();
        int id = System.identityHashCode(session);
        if (TlsFacts.of(r).info != null && id == TlsFacts.of(r).engineSession) {
            return;
        }
        TlsFacts.of(r).engineSession = id;
        TlsFacts.of(r).handshakes++;
        if (TlsFacts.of(r).info != null) {
            return;
        }
        String alpn = e.getApplicationProtocol();
        // TLS 1.3: the ServerHello on the wire says it. Otherwise the session's creation time, before the handshake.
        ServerHello.Resumption wire = TlsFacts.of(r).serverHelloResumption;
        boolean resumed = wire != null ? wire == ServerHello.Resumption.RESUMED
            : createdBefore(session.getCreationTime(), TlsFacts.of(r).engineHandshakeStartEpochMillis);
        new TlsInfo(TlsFacts.of(r).engineHandshakeStartNanos, System.nanoTime(), TlsInfo.protocolVersion(session.getProtocol()),
            session.getCipherSuite(), resumed, alpn == null || alpn.isEmpty() ? null : alpn, null, TlsInfo.cacheOf(session))
            .recordOn(r);
    }

    /**
     * Whether a session was created before its handshake started, i.e. resumed. OpenSSL and BoringSSL
     * keep a session's creation time in whole seconds: a time that is a whole second is compared with
     * the second the handshake started in, so a new session is never taken for a resumed one (a
     * session resumed within the second it was made is then not seen as resumed).
     */
    static boolean createdBefore(long creationMillis, long handshakeStartMillis) {
        long start = creationMillis % 1000 == 0 ? handshakeStartMillis - handshakeStartMillis % 1000 : handshakeStartMillis;
        return creationMillis < start;
    }

    private static void failed(ConnectionRecord r, Throwable failure) {
        if (TlsFacts.of(r).info == null) {
            TlsFacts.of(r).handshakes++;
            new TlsInfo(TlsFacts.of(r).engineHandshakeStartNanos, System.nanoTime(), null, null, null, null, failure.getClass().getName())
                .recordOn(r);
        }
    }

    /** Followed connections whose ClientHello was dropped unpaired: too many waited for their engines at once. */
    long notPaired() {
        return engines.dropped();
    }
}
