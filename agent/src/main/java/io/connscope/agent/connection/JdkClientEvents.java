package io.connscope.agent.connection;

import io.connscope.agent.http.ClientRequest;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.instrument.JdkInternals;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * What the JDK's own client classes say beside the bytes: an {@code SSLSocket}'s handshake (its
 * version, cipher, ALPN, resumption, or failure), and {@code HttpURLConnection}'s account of its
 * requests (which connection object wrote each, a resend and its path, a keep-alive cache hit), handed
 * to the HTTP analysis of the connection that carries them.
 */
final class JdkClientEvents {

    private final ConnectionRegistry registry;
    private final JdkInternals jdk;
    private final WireAnalysis http;
    /**
     * Per thread: the HttpURLConnection whose request is being written ([0] its identity hash, [1]
     * 1 when it is resending after a failed write), for the JDK HttpClient's writeRequests that follows.
     */
    private final ThreadLocal<int[]> urlConnection = new ThreadLocal<>();

    JdkClientEvents(ConnectionRegistry registry, JdkInternals jdk, WireAnalysis http) {
        this.registry = registry;
        this.jdk = jdk;
        this.http = http;
    }

    void tlsHandshake(Object sslSocket, long startNanos, long endNanos, long startEpochMillis, Throwable failure) {
        ConnectionRecord r = registry.get(sslSocket);
        if (r == null) {
            r = registry.get(jdk.sslTransport(sslSocket));
            if (r != null && !r.tls().plaintext) {
                // TLS layered over a tracked plain socket: analyse its plaintext from now on.
                http.start(r, sslSocket);
                TlsFacts.of(r).plaintext = true;
            }
        }
        if (r == null) {
            return;
        }
        TlsFacts.of(r).handshakes++;
        if (TlsFacts.of(r).info != null) {
            return;
        }
        TlsInfo info;
        if (failure != null) {
            info = new TlsInfo(startNanos, endNanos, null, null, null, null, failure.getClass().getName());
        } else {
            SSLSocket s = (SSLSocket) sslSocket;
            SSLSession session = s.getSession();
            String alpn = s.getApplicationProtocol();
            info = new TlsInfo(startNanos, endNanos, TlsInfo.protocolVersion(session.getProtocol()), session.getCipherSuite(),
                session.getCreationTime() < startEpochMillis, alpn == null || alpn.isEmpty() ? null : alpn, null,
                TlsInfo.cacheOf(session));
        }
        info.recordOn(r);
    }

    // ---- HttpURLConnection (sun.net.www.protocol.http / sun.net.www.http) ----

    void urlConnectionWriting(Object urlConnection, boolean resending) {
        int[] writer = this.urlConnection.get();
        if (writer == null) {
            writer = new int[2];
            this.urlConnection.set(writer);
        }
        writer[0] = System.identityHashCode(urlConnection);
        writer[1] = resending ? 1 : 0;
    }

    void urlConnectionRequest(Object socket, boolean resending) {
        ConnectionRecord r = clientRecord(socket);
        HttpConnection http = r == null ? null : r.http();
        if (http == null) {
            return;
        }
        int[] writer = urlConnection.get();
        String resendPath = resending ? "parseHTTP" : writer != null && writer[1] == 1 ? "writeRequests" : null;
        http.clientHints().nextRequest(new ClientRequest(ClientRequest.HTTP_URL_CONNECTION, writer == null ? 0 : writer[0],
            http.clientHints().consumeTakenFromKeepAliveCache(), resendPath));
    }

    void keepAliveCacheHit(Object httpClient) {
        ConnectionRecord r = clientRecord(jdk.networkClientSocket(httpClient));
        HttpConnection http = r == null ? null : r.http();
        if (http != null) {
            http.clientHints().takenFromKeepAliveCache();
        }
    }

    /** The record of a client socket, found by the socket or, for layered TLS, by the socket under it. */
    private ConnectionRecord clientRecord(Object socket) {
        if (socket == null) {
            return null;
        }
        ConnectionRecord r = registry.get(socket);
        return r != null ? r : registry.get(jdk.sslTransport(socket));
    }
}
