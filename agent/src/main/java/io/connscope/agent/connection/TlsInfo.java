package io.connscope.agent.connection;

/** The first TLS handshake seen on a connection. Immutable. */
public final class TlsInfo {

    public final long startNanos;
    public final long endNanos;
    /** Version as in the tls.protocol.version convention ("1.3"), or null when unknown. */
    public final String protocolVersion;
    public final String cipher;
    /**
     * Whether the session was resumed rather than fully negotiated: a resumed session (TLS 1.2
     * session id or TLS 1.3 PSK) keeps the creation time of the session it resumes, which predates
     * this handshake; null when the handshake failed.
     */
    public final Boolean resumed;
    /** The ALPN protocol, or null when none was negotiated. */
    public final String alpn;
    /** The exception class when the handshake failed, else null. */
    public final String error;
    /**
     * The session cache the handshake's session went to (its SSLContext's session context), by identity;
     * 0 when not known. Only a cache that already held a session for the destination could have resumed.
     */
    public final int sessionCache;

    public TlsInfo(long startNanos, long endNanos, String protocolVersion, String cipher, Boolean resumed,
                   String alpn, String error) {
        this(startNanos, endNanos, protocolVersion, cipher, resumed, alpn, error, 0);
    }

    public TlsInfo(long startNanos, long endNanos, String protocolVersion, String cipher, Boolean resumed,
                   String alpn, String error, int sessionCache) {
        this.sessionCache = sessionCache;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.protocolVersion = protocolVersion;
        this.cipher = cipher;
        this.resumed = resumed;
        this.alpn = alpn;
        this.error = error;
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    /** Records this as the connection's first TLS handshake, and counts it for its destination. */
    void recordOn(ConnectionRecord r) {
        TlsFacts.of(r).info = this;
        r.events.add(ConnectionEvent.TLS_HANDSHAKE);
        DestinationStats stats = r.destination.stats;
        TlsFacts.of(r).fullWithSessionToDestination = stats.addTls(this);
        TlsFacts.of(r).resumedToDestination = stats.tlsResumed.get();
        if (sessionCache != 0 && error == null) {
            TlsFacts.of(r).fullWithSessionInCache = stats.tlsCaches.add(sessionCache, this);
            TlsFacts.of(r).cachesToDestination = stats.tlsCaches.count();
        }
    }

    /**
     * The identity of the session's cache (never 0), or 0 when it cannot be had (a provider without one,
     * or a security manager that does not let the application's thread ask).
     */
    static int cacheOf(javax.net.ssl.SSLSession session) {
        try {
            javax.net.ssl.SSLSessionContext c = session.getSessionContext();
            return c == null ? 0 : System.identityHashCode(c) | 1;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** "TLSv1.3" → "1.3", as the tls.protocol.version convention wants. */
    static String protocolVersion(String jdkProtocol) {
        if (jdkProtocol == null) {
            return null;
        }
        return jdkProtocol.startsWith("TLSv") ? jdkProtocol.substring(4) : jdkProtocol;
    }
}
