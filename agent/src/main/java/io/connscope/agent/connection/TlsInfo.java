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

    public TlsInfo(long startNanos, long endNanos, String protocolVersion, String cipher, Boolean resumed,
                   String alpn, String error) {
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
        r.tls = this;
        r.events.add(ConnectionEvent.TLS_HANDSHAKE);
        DestinationStats stats = r.destination.stats;
        r.tlsFullWithSessionToDestination = stats.addTls(this);
        r.tlsResumedToDestination = stats.tlsResumed.get();
    }

    /** "TLSv1.3" → "1.3", as the tls.protocol.version convention wants. */
    static String protocolVersion(String jdkProtocol) {
        if (jdkProtocol == null) {
            return null;
        }
        return jdkProtocol.startsWith("TLSv") ? jdkProtocol.substring(4) : jdkProtocol;
    }
}
