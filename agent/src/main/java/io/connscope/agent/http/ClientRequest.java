package io.connscope.agent.http;

/**
 * What a client library's own hooks said about the next request written on a connection: today
 * the JDK's HttpURLConnection (which object wrote it, whether its connection came from the
 * keep-alive cache, whether the JDK itself is resending it).
 */
public final class ClientRequest {

    public static final String HTTP_URL_CONNECTION = "HttpURLConnection";

    /** The client API, e.g. {@link #HTTP_URL_CONNECTION}. */
    public final String api;
    /** Identity hash of the client object that wrote the request (the HttpURLConnection). */
    public final int objectId;
    /** The connection was taken from the client's keep-alive cache. */
    public final boolean fromKeepAliveCache;
    /**
     * Set when the client library itself is sending this request again after a failed attempt: the
     * code path that does it (for HttpURLConnection "parseHTTP", after a failed read, which
     * {@code sun.net.http.retryPost} governs for POST, or "writeRequests", after a failed write,
     * which it does not); null for a first attempt.
     */
    public final String resendPath;

    public ClientRequest(String api, int objectId, boolean fromKeepAliveCache, String resendPath) {
        this.api = api;
        this.objectId = objectId;
        this.fromKeepAliveCache = fromKeepAliveCache;
        this.resendPath = resendPath;
    }
}
