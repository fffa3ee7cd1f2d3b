package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpConnection;

/**
 * A connection still open, described as it stood at one moment: how long it has lived and been
 * idle, the bytes and exchanges so far, whether a request is in flight, the warnings so far. Handed
 * to every {@link EventSink} at each snapshot interval for the connections that have lived longer
 * than one, so that a pooled connection that lives for hours is not invisible until it ends.
 */
public final class ConnectionSnapshot {

    private final ConnectionRecord connection;
    /** When it was taken, System.nanoTime(). */
    public final long atNanos;
    public final long ageNanos;
    public final long idleNanos;
    public final long bytesSent;
    public final long bytesReceived;
    /** HTTP requests and responses so far (HTTP/2 streams included), or -1 on a connection without HTTP. */
    public final long requests;
    public final long responses;
    /**
     * "active" (a request in flight: an HTTP/1.x request unanswered, or an HTTP/2 stream open), "idle"
     * (HTTP, none in flight), "websocket" (a WebSocket session after its upgrade), or "open" (no HTTP seen).
     */
    public final String state;
    /** Warnings raised about its exchanges so far, those exported (within connscope.warnings.per.minute). */
    public final long warnings;
    /** 1 for the connection's first snapshot, then 2, 3…: how many intervals it has been described. */
    public final long sequence;

    public ConnectionSnapshot(ConnectionRecord r, long atNanos, long warnings, long sequence) {
        this.connection = r;
        this.atNanos = atNanos;
        this.ageNanos = atNanos - r.openNanos();
        long last = r.lastActivityNanos();
        this.idleNanos = Math.max(0, atNanos - (last == 0L ? r.openNanos() : last));
        this.bytesSent = r.bytesWritten();
        this.bytesReceived = r.bytesRead();
        HttpConnection http = r.http();
        boolean seen = http != null && http.seenHttp();
        this.requests = seen ? http.requests() : -1;
        this.responses = seen ? http.responses() : -1;
        boolean inFlight = seen && (http.http2() != null ? http.http2().openStreams() > 0 : http.inFlight());
        this.state = !seen ? "open" : http.webSocket() != null ? "websocket" : inFlight ? "active" : "idle";
        this.warnings = warnings;
        this.sequence = sequence;
    }

    public ConnectionRecord connection() {
        return connection;
    }
}
