package io.connscope.agent.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first GOAWAY on an HTTP/2 connection (a graceful shutdown sends a second, with the true last
 * stream id: the first tells who ended the connection, why, and when), and the streams open at that
 * moment that then ended without a complete response.
 */
public final class Http2Goaway {

    /** How much of a GOAWAY's debug data is kept. */
    static final int MAX_DEBUG = 64;

    /** One GOAWAY, whole: both directions are parsed on their own threads, and only the first counts. */
    private static final class Frame {
        final String by;
        final long lastStreamId;
        final long errorCode;
        final String debug;
        final long nanos;

        Frame(String by, long lastStreamId, long errorCode, String debug, long nanos) {
            this.by = by;
            this.lastStreamId = lastStreamId;
            this.errorCode = errorCode;
            this.debug = debug;
            this.nanos = nanos;
        }
    }

    private final AtomicReference<Frame> first = new AtomicReference<>();
    private final AtomicInteger cut = new AtomicInteger();
    private volatile String firstCutPath;

    void received(boolean fromClient, long lastStreamId, long errorCode, String debug, long nanos) {
        if (first.get() == null) {
            first.compareAndSet(null, new Frame(fromClient ? "client" : "server", lastStreamId, errorCode, debug, nanos));
        }
    }

    /**
     * A stream closed: one that was open when the GOAWAY came, and ended without a complete response
     * and not by its client's own reset (a cancel), was cut by it.
     */
    void streamClosed(HttpExchange e) {
        Frame f = first.get();
        if (f != null && e.failure != null && !e.responseComplete && !"client".equals(e.resetBy)
            && e.requestStartNanos <= f.nanos && cut.getAndIncrement() == 0) {
            firstCutPath = e.target;
        }
    }

    /** Who sent the first GOAWAY ("client" or "server"), or null when none was sent. */
    public String by() {
        Frame f = first.get();
        return f == null ? null : f.by;
    }

    public long lastStreamId() {
        Frame f = first.get();
        return f == null ? -1 : f.lastStreamId;
    }

    public long errorCode() {
        Frame f = first.get();
        return f == null ? -1 : f.errorCode;
    }

    /** Its debug data (the first {@value #MAX_DEBUG} bytes, escaped), or null. */
    public String debug() {
        Frame f = first.get();
        return f == null ? null : f.debug;
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
