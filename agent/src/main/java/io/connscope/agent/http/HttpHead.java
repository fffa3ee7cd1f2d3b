package io.connscope.agent.http;

/**
 * The parts of an HTTP/1.x message head that connscope uses. Header values it does not need are
 * skipped without being copied.
 */
public final class HttpHead {

    public final boolean request;
    /** Request method, or null for a response. */
    public final String method;
    /** Request target as sent (query included), or null for a response. */
    public final String target;
    /** Response status, or 0 for a request. */
    public final int status;
    /** "1.0" or "1.1". */
    public final String version;
    /** Content-Length, or -1 when absent. */
    public final long contentLength;
    /** The last transfer coding is chunked. */
    public final boolean chunked;
    /** Connection: close. */
    public final boolean connectionClose;
    /** Connection: keep-alive. */
    public final boolean connectionKeepAlive;
    /** Connection: upgrade, with the Upgrade header's protocol, else null. */
    public final String upgrade;
    /** Keep-Alive: timeout=N in seconds, or -1. */
    public final long keepAliveTimeoutSeconds;
    /** A Proxy-Connection header is present. */
    public final boolean proxyConnection;
    /** An end-to-end header field (e.g. content-length) that the Connection header names, or null. */
    public final String connectionNamesEndToEnd;
    /** A Keep-Alive header is present. */
    public final boolean keepAliveHeader;
    /** Via, Forwarded or X-Forwarded-For is present: the message passed a proxy. */
    public final boolean forwarded;
    /** The W3C traceparent header, or null. */
    public final String traceparent;
    /** An Idempotency-Key header is present. */
    public final boolean idempotencyKey;
    /** Sec-WebSocket-Key (a request) or Sec-WebSocket-Accept (a response), or null. */
    public final String webSocketKey;
    /** A request's Host header (at most 256 characters, escaped), or null. */
    public final String host;
    /** A request's User-Agent header (at most 256 characters, escaped), or null. */
    public final String userAgent;
    /** A tolerated deviation from RFC 9112 (obsolete line folding, bare LF), or null. */
    public final String irregularity;

    HttpHead(boolean request, String method, String target, int status, String version, long contentLength,
             boolean chunked, boolean connectionClose, boolean connectionKeepAlive, String upgrade,
             long keepAliveTimeoutSeconds, boolean proxyConnection, String connectionNamesEndToEnd, boolean keepAliveHeader,
             boolean forwarded, String traceparent, boolean idempotencyKey, String webSocketKey, String host,
             String userAgent, String irregularity) {
        this.request = request;
        this.method = method;
        this.target = target;
        this.status = status;
        this.version = version;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.connectionClose = connectionClose;
        this.connectionKeepAlive = connectionKeepAlive;
        this.upgrade = upgrade;
        this.keepAliveTimeoutSeconds = keepAliveTimeoutSeconds;
        this.proxyConnection = proxyConnection;
        this.connectionNamesEndToEnd = connectionNamesEndToEnd;
        this.keepAliveHeader = keepAliveHeader;
        this.forwarded = forwarded;
        this.traceparent = traceparent;
        this.idempotencyKey = idempotencyKey;
        this.webSocketKey = webSocketKey;
        this.host = host;
        this.userAgent = userAgent;
        this.irregularity = irregularity;
    }
}
