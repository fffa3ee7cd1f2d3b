package io.connscope.agent.http;

/**
 * What client libraries said about a connection, beside its bytes: the request the JDK's
 * HttpURLConnection is about to write, whether it took the connection from its keep-alive cache,
 * and whether a java.net.http thread saw the connection fail. Resend detection reads them.
 */
public final class ClientHints {

    private volatile ClientRequest nextRequest;
    private volatile boolean takenFromKeepAliveCache;
    private volatile boolean failureSeenByJavaNetHttp;

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

    boolean wasFailureSeenByJavaNetHttp() {
        return failureSeenByJavaNetHttp;
    }
}
