package io.connscope.agent.http;

/** What one end of an HTTP/2 connection sent: its SETTINGS, and its RST_STREAM and PING frames. */
public final class Http2Side {

    volatile long maxConcurrentStreams = -1;
    volatile long initialWindowSize = -1;
    volatile long maxFrameSize = -1;
    volatile long headerTableSize = -1;
    volatile int resets;
    volatile int pings;
    /**
     * A stream reset within this of its opening, before any response on it, is a rapid reset: a
     * cancel of a request a client no longer wants comes later, once the server is at work on it.
     */
    static final long RAPID_RESET_NANOS = 100_000_000L;
    /** Streams this end reset within {@link #RAPID_RESET_NANOS} of their opening, before any response. */
    volatile int rapidResets;
    /** The longest such stream lived before its reset, System.nanoTime() difference. */
    volatile long longestBeforeResetNanos;

    /** A SETTINGS entry this end sent (RFC 9113 §6.5.2); ones not kept are ignored. */
    void setting(int id, long value) {
        switch (id) {
            case Http2Session.HEADER_TABLE_SIZE:
                headerTableSize = value;
                break;
            case Http2Session.MAX_CONCURRENT_STREAMS:
                maxConcurrentStreams = value;
                break;
            case Http2Session.INITIAL_WINDOW_SIZE:
                initialWindowSize = value;
                break;
            case Http2Session.MAX_FRAME_SIZE:
                maxFrameSize = value;
                break;
            default:
                break;
        }
    }

    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    public long initialWindowSize() {
        return initialWindowSize;
    }

    public long maxFrameSize() {
        return maxFrameSize;
    }

    public long headerTableSize() {
        return headerTableSize;
    }

    /** RST_STREAM frames this end sent. */
    public int resets() {
        return resets;
    }

    /** PING frames this end sent (acknowledgements excluded). */
    public int pings() {
        return pings;
    }

    /** Streams this end reset within 100 ms of opening them, before any response on them had begun. */
    public int rapidResets() {
        return rapidResets;
    }

    public long longestBeforeResetNanos() {
        return longestBeforeResetNanos;
    }
}
