package io.connscope.agent.http;

/**
 * One request and its response on a connection, with the times connscope saw them (System.nanoTime).
 * Written by the threads doing the connection's I/O, read by the export thread once finished.
 */
public final class HttpExchange {

    /** The n-th request on its connection, from 1. */
    public final int index;
    public final String method;
    /** Request target as sent; the exporter strips the query. */
    public final String target;
    public final String version;
    public final String traceparent;
    public final boolean idempotencyKey;
    /** When the request's first byte was seen. */
    public final long requestStartNanos;
    /** How long the connection had been idle before this request, when it was reused; -1 for the first request. */
    public final long idleBeforeNanos;
    /** Written while an earlier response on the connection was still outstanding. */
    public final boolean pipelined;

    volatile long requestEndNanos;
    volatile long responseStartNanos;
    volatile long responseEndNanos;
    volatile int status;
    volatile boolean responseComplete;
    /** Why no complete response arrived, or null. */
    volatile String failure;

    HttpExchange(int index, HttpHead request, long requestStartNanos, long idleBeforeNanos, boolean pipelined) {
        this.index = index;
        this.method = request.method;
        this.target = request.target;
        this.version = request.version;
        this.traceparent = request.traceparent;
        this.idempotencyKey = request.idempotencyKey;
        this.requestStartNanos = requestStartNanos;
        this.idleBeforeNanos = idleBeforeNanos;
        this.pipelined = pipelined;
    }

    public long requestEndNanos() {
        return requestEndNanos;
    }

    /** When the first byte of the final response was seen, or 0. */
    public long responseStartNanos() {
        return responseStartNanos;
    }

    /** When the response ended (or the connection did), or 0. */
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

    public String failure() {
        return failure;
    }
}
