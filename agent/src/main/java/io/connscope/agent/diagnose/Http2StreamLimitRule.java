package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2Session;

/**
 * The client had as many streams open as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows: a
 * further request waits for a stream, needs another connection, or fails (java.net.http fails it
 * with "too many concurrent streams"). The connection looks healthy on the wire meanwhile.
 */
public final class Http2StreamLimitRule extends Http2Rule {

    public static final String ID = "http2-stream-limit";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        long limit = s.server().maxConcurrentStreams();
        int peak = s.peakConcurrentStreams();
        if (limit <= 0 || peak < limit) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "HTTP/2 connection " + r.id() + " had " + peak
            + " streams open at once, the server's limit (SETTINGS_MAX_CONCURRENT_STREAMS=" + limit + "), over "
            + s.streamsOpened() + " streams in all: a request beyond the limit waits for a free stream or another"
            + " connection, or fails (java.net.http: IOException \"too many concurrent streams\").",
            "Raise the server's max concurrent streams, or keep the client's requests in flight per connection below"
                + " it (a semaphore, or a pool of HTTP/2 connections); retry requests that failed for the limit.");
    }
}
