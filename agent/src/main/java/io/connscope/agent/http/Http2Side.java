package io.connscope.agent.http;

/** What one end of an HTTP/2 connection sent: its SETTINGS, and its RST_STREAM and PING frames. */
public final class Http2Side {

    volatile long maxConcurrentStreams = -1;
    volatile long initialWindowSize = -1;
    volatile long maxFrameSize = -1;
    volatile long headerTableSize = -1;
    volatile int resets;
    volatile int pings;

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
}
