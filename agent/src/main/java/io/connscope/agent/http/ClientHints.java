package io.connscope.agent.http;

import io.connscope.agent.runtime.FirstUse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What client libraries said about a connection, beside its bytes: the request the JDK's
 * HttpURLConnection is about to write, whether it took the connection from its keep-alive cache,
 * and whether a java.net.http thread saw the connection fail. Resend detection reads them.
 */
public final class ClientHints {

    private static final VarHandle CONNECTION_HINTS = FirstUse.field(MethodHandles.lookup(), HttpConnection.class,
        "clientHints", ClientHints.class);

    private volatile ClientRequest nextRequest;
    private volatile boolean takenFromKeepAliveCache;
    private volatile boolean failureSeenByJavaNetHttp;

    /** The hints of {@code c}, made on first use (a writer and a reader thread may ask at once; both get one object). */
    static ClientHints of(HttpConnection c) {
        return FirstUse.get(CONNECTION_HINTS, c, ClientHints::new);
    }

    /** Whether a java.net.http thread saw {@code c} fail; false when no client library said anything. */
    static boolean sawJavaNetHttpFailure(HttpConnection c) {
        ClientHints h = c.clientHints;
        return h != null && h.failureSeenByJavaNetHttp;
    }

    /** The client library is about to write a request on this connection. */
    public void nextRequest(ClientRequest client) {
        nextRequest = client;
    }

    /** What the library said about the request whose head was just seen, or null; said once. */
    ClientRequest takeNextRequest() {
        ClientRequest c = nextRequest;
        nextRequest = null;
        return c;
    }

    /** The client library took this connection from its keep-alive cache. */
    public void takenFromKeepAliveCache() {
        takenFromKeepAliveCache = true;
    }

    /** Whether the connection was taken from a keep-alive cache since the last call. */
    public boolean consumeTakenFromKeepAliveCache() {
        boolean taken = takenFromKeepAliveCache;
        takenFromKeepAliveCache = false;
        return taken;
    }

    /** A java.net.http thread saw this connection fail (for resend detection, which asks later). */
    void failureSeenByJavaNetHttp() {
        failureSeenByJavaNetHttp = true;
    }
}
