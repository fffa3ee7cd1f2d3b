package io.connscope.agent.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first GOAWAY on an HTTP/2 connection (a graceful shutdown sends a second, with the true last
 * stream id: the first tells who ended the connection, why, and when), and the streams open at that
 * moment that then ended without a complete response.
 */
public final class Http2Goaway {

    /** How much of a GOAWAY's debug data is kept. */
    static final int MAX_DEBUG = 64;

    private volatile String by;
    private volatile long lastStreamId = -1;
    private volatile long errorCode = -1;
    private volatile String debug;
    private volatile long nanos;
    private final AtomicInteger cut = new AtomicInteger();
    private volatile String firstCutPath;

    void received(boolean fromClient, long lastStreamId, long errorCode, String debug, long nanos) {
        if (by == null) {
            this.lastStreamId = lastStreamId;
            this.errorCode = errorCode;
            this.debug = debug;
            this.nanos = nanos;
            by = fromClient ? "client" : "server";
        }
    }

    /** A stream closed: one open when the GOAWAY came that failed was cut by it. */
    void streamClosed(HttpExchange e) {
        if (e.failure != null && by != null && e.requestStartNanos <= nanos && cut.getAndIncrement() == 0) {
            firstCutPath = e.target;
        }
    }

    /** Who sent the first GOAWAY ("client" or "server"), or null when none was sent. */
    public String by() {
        return by;
    }

    public long lastStreamId() {
        return lastStreamId;
    }

    public long errorCode() {
        return errorCode;
    }

    /** Its debug data (the first {@value #MAX_DEBUG} bytes, escaped), or null. */
    public String debug() {
        return debug;
    }

    /** Streams that were open when it came and then ended without a complete response. */
    public int streamsCut() {
        return cut.get();
    }

    /** The path of the first of those streams, or null. */
    public String firstCutPath() {
        return firstCutPath;
    }
}
