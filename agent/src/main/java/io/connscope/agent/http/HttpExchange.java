package io.connscope.agent.http;

import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.WireExchange;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The n-th request on a connection and the n-th final response, with the times connscope saw them
 * (System.nanoTime). The two halves are filled by the threads feeding each direction, in either
 * order: a full-duplex client may read the response before the writer's hook has seen the
 * request. The second half to finish completes the exchange. Read by the export thread after that.
 */
public final class HttpExchange implements WireExchange {

    /** The failure of a response whose body the client left unread: it let go of the connection before its end. */
    public static final String LEFT_UNREAD = "response_not_consumed";

    private static final VarHandle HALVES_DONE = handle("halvesDone", int.class);

    // The fields whose default is -1, "not known": each a static final handle, which the JIT compiles to a plain store.
    private static final VarHandle IDLE_BEFORE = handle("idleBeforeNanos", long.class);
    private static final VarHandle KEEP_ALIVE_TIMEOUT = handle("keepAliveTimeoutSeconds", long.class);
    private static final VarHandle RESPONSE_DECLARED = handle("responseDeclaredBytes", long.class);
    private static final VarHandle RESPONSE_BODY_WAIT = handle("responseBodyWaitNanos", long.class);
    private static final VarHandle RESET_ERROR_CODE = handle("resetErrorCode", long.class);

    /** The n-th request on its connection, from 1. */
    public final int index;
    /** Halves done, 0 to 2; a field of its own rather than an AtomicInteger: one object fewer per exchange. */
    private volatile int halvesDone;

    // request half
    volatile String method;
    volatile String target;
    volatile String version;
    volatile String traceparent;
    /** The request's Host header or :authority, and its User-Agent: a server span's server.address and user agent. */
    volatile String host;
    volatile String userAgent;
    volatile boolean idempotencyKey;
    volatile long requestStartNanos;
    volatile long idleBeforeNanos;
    volatile boolean pipelined;
    volatile long requestEndNanos;
    /** The request's head, for the rules that look at its headers. */
    volatile HttpHead requestHead;
    /** The request asks to switch to WebSocket (Connection: upgrade, Upgrade: websocket). */
    volatile boolean asksForWebSocket;
    /** Which earlier message on this connection had announced its close ("request 2", "response 1"), or null. */
    volatile String afterCloseAnnouncedBy;
    /** The server's Keep-Alive timeout as advertised before this request, or -1. */
    volatile long keepAliveTimeoutSeconds;
    /** What the client library said about this request (HttpURLConnection hooks), or null. */
    volatile ClientRequest client;
    /** 0, or how many earlier attempts of this same request failed before a complete response. */
    volatile int resendCount;
    /** The failed attempt this request repeats, or null. */
    volatile FailedAttempt resendOf;
    /** Who sent this request again: "HttpURLConnection", "java.net.http" or "application"; null for a first attempt. */
    volatile String resentBy;
    /** Set once this request's failure has been recorded as a failed attempt. */
    volatile boolean attemptFailureRecorded;
    // response half
    volatile long responseStartNanos;
    volatile long responseEndNanos;
    volatile int status;
    volatile boolean responseComplete;
    volatile String failure;
    /** The final response's head, or null. */
    volatile HttpHead responseHead;
    /** The response body is delimited by the connection's close (no Content-Length, not chunked). */
    volatile boolean closeDelimited;
    volatile long responseBodyBytes;
    volatile long responseDeclaredBytes;
    /** When the final HTTP/1.x response head was complete, or 0. */
    volatile long responseHeadNanos;
    /** From that head to its body's first bytes, when they came in a later read; else -1. */
    volatile long responseBodyWaitNanos;
    /** The WebSocket session this exchange's 101 response opened, or null. */
    volatile WebSocketSession webSocket;
    /** The request's header block was seen on this HTTP/2 stream (its response may be read first). */
    volatile boolean http2RequestSeen;
    /** The HTTP/2 stream this exchange is, or 0 on HTTP/1.x. */
    volatile int http2StreamId;
    /** HTTP/2 flow control on this stream, per sender ({@link Http2FlowControl}): DATA less grants; out and reopened. */
    volatile long clientWindowNet;
    volatile long serverWindowNet;
    volatile long clientWindowExhausted;
    volatile long serverWindowExhausted;
    volatile long clientWindowReopened;
    volatile long serverWindowReopened;
    /** Which end reset the HTTP/2 stream ("client", "server"), or null. */
    volatile String resetBy;
    /** The RST_STREAM error code, or -1. */
    volatile long resetErrorCode;
    /** Whether the request had ended (END_STREAM) when its stream was reset. */
    volatile boolean requestCompleteAtReset;
    /** The gRPC call this HTTP/2 stream carries, or null. */
    volatile GrpcCall grpc;

    HttpExchange(int index) {
        this.index = index;
        // Plain stores of the defaults: a volatile store each would cost a fence, five per exchange, for an
        // object no other thread can see yet. It is published by the lock of the exchanges it is put among (OpenExchanges.slot).
        IDLE_BEFORE.set(this, -1L);
        KEEP_ALIVE_TIMEOUT.set(this, -1L);
        RESPONSE_DECLARED.set(this, -1L);
        RESPONSE_BODY_WAIT.set(this, -1L);
        RESET_ERROR_CODE.set(this, -1L);
    }

    private static VarHandle handle(String field, Class<?> type) {
        try {
            return MethodHandles.lookup().findVarHandle(HttpExchange.class, field, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    void request(HttpHead head, long startNanos, long idleBeforeNanos, boolean pipelined) {
        this.method = head.method;
        this.target = head.target;
        this.version = head.version;
        this.traceparent = head.traceparent;
        this.host = head.host;
        this.userAgent = head.userAgent;
        this.idempotencyKey = head.idempotencyKey;
        this.requestStartNanos = startNanos;
        this.idleBeforeNanos = idleBeforeNanos;
        this.pipelined = pipelined;
        this.requestHead = head;
    }

    void response(HttpHead head) {
        this.status = head.status;
        this.responseHead = head;
    }

    /** One half is done; true for the second, which completes the exchange. */
    boolean halfDone() {
        return (int) HALVES_DONE.getAndAdd(this, 1) == 1;
    }

    /** The HTTP/2 stream id, or 0 for an HTTP/1.x exchange. */
    public int http2StreamId() {
        return http2StreamId;
    }

    /** Which end reset this HTTP/2 stream ("client" or "server"), or null. */
    public String resetBy() {
        return resetBy;
    }

    /** The RST_STREAM error code (RFC 9113 §7), or -1 when the stream was not reset. */
    public long resetErrorCode() {
        return resetErrorCode;
    }

    /** Whether the whole request had been sent when its stream was reset. */
    public boolean requestCompleteAtReset() {
        return requestCompleteAtReset;
    }

    /** The WebSocket session this exchange opened, or null. */
    /** The gRPC call this exchange carried, or null when it was not gRPC. */
    public GrpcCall grpc() {
        return grpc;
    }

    public WebSocketSession webSocket() {
        return webSocket;
    }

    public String method() {
        return method;
    }

    @Override
    public String protocol() {
        return "http";
    }

    /** The request method. */
    @Override
    public String operation() {
        return method;
    }

    @Override
    public int index() {
        return index;
    }

    /**
     * A 5xx status, an error for both ends. (The HTTP sinks read the exchange through this type, and
     * add what the conventions add: a gRPC status, and 4xx on the client's side.)
     */
    @Override
    public String errorType() {
        return status >= 500 ? Integer.toString(status) : null;
    }

    /** The request method and response status, for a sink that shows every protocol alike. */
    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        if (method != null) {
            a.put("http.request.method", method);
        }
        if (status > 0) {
            a.put("http.response.status_code", (long) status);
        }
        return a;
    }

    /** Request target as sent; the exporter strips the query. */
    public String target() {
        return target;
    }

    public String version() {
        return version;
    }

    public String traceparent() {
        return traceparent;
    }

    /** The request's Host header (HTTP/1.x) or :authority (HTTP/2), or null. */
    public String host() {
        return host;
    }

    /** The request's User-Agent header, or null. */
    public String userAgent() {
        return userAgent;
    }

    public boolean idempotencyKey() {
        return idempotencyKey;
    }

    /** When the request's first byte was seen. */
    @Override
    public long requestStartNanos() {
        return requestStartNanos;
    }

    /** How long the connection had been idle before this request, when it was reused; -1 otherwise. */
    public long idleBeforeNanos() {
        return idleBeforeNanos;
    }

    /** Written while an earlier response on the connection was still outstanding. */
    public boolean pipelined() {
        return pipelined;
    }

    @Override
    public long requestEndNanos() {
        return requestEndNanos;
    }

    /** When the first byte of the response was seen, or 0. */
    @Override
    public long responseStartNanos() {
        return responseStartNanos;
    }

    /** When the final HTTP/1.x response head was complete, or 0 (none, or HTTP/2). */
    public long responseHeadNanos() {
        return responseHeadNanos;
    }

    /** How long after its head the response body's first bytes came, when they came in a later read; else -1. */
    public long responseBodyWaitNanos() {
        return responseBodyWaitNanos;
    }

    /** When the response ended (or the connection did), or 0. */
    @Override
    public long responseEndNanos() {
        return responseEndNanos;
    }

    /** The final response status, or 0 when none arrived. */
    public int status() {
        return status;
    }

    public boolean responseComplete() {
        return responseComplete;
    }

    /** Why no complete response arrived, or null. */
    @Override
    public String failure() {
        return failure;
    }

    /** The request head as parsed, or null when only the response was seen. */
    public HttpHead requestHead() {
        return requestHead;
    }

    /** The request carried Connection: keep-alive. */
    public boolean requestKeepAlive() {
        HttpHead h = requestHead;
        return h != null && h.connectionKeepAlive;
    }

    public String afterCloseAnnouncedBy() {
        return afterCloseAnnouncedBy;
    }

    public long keepAliveTimeoutSeconds() {
        return keepAliveTimeoutSeconds;
    }

    public ClientRequest client() {
        return client;
    }

    public int resendCount() {
        return resendCount;
    }

    public FailedAttempt resendOf() {
        return resendOf;
    }

    public String resentBy() {
        return resentBy;
    }

    /** The final response's version, or null when none arrived. */
    public String responseVersion() {
        HttpHead h = responseHead;
        return h == null ? null : h.version;
    }

    /** The final response carried Connection: keep-alive. */
    public boolean responseKeepAlive() {
        HttpHead h = responseHead;
        return h != null && h.connectionKeepAlive;
    }

    public boolean closeDelimited() {
        return closeDelimited;
    }

    /** Response body bytes received (after chunk framing). */
    public long responseBodyBytes() {
        return responseBodyBytes;
    }

    /** The response's Content-Length, or -1. */
    public long responseDeclaredBytes() {
        return responseDeclaredBytes;
    }

    /** The request method is idempotent per RFC 9110 §9.2.2 (unknown methods are not). */
    public boolean idempotent() {
        String m = method;
        return m != null && (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS") || m.equals("TRACE")
            || m.equals("PUT") || m.equals("DELETE"));
    }
}
