package io.connscope.agent.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The n-th request on a connection and the n-th final response, with the times connscope saw them
 * (System.nanoTime). The two halves are filled by the threads feeding each direction, in either
 * order: a full-duplex client may read the response before the writer's hook has seen the
 * request. The second half to finish completes the exchange. Read by the export thread after that.
 */
public final class HttpExchange {

    /** The n-th request on its connection, from 1. */
    public final int index;
    private final AtomicInteger halvesDone = new AtomicInteger();

    // request half
    volatile String method;
    volatile String target;
    volatile String version;
    volatile String traceparent;
    volatile boolean idempotencyKey;
    volatile long requestStartNanos;
    volatile long idleBeforeNanos = -1;
    volatile boolean pipelined;
    volatile long requestEndNanos;
    // response half
    volatile long responseStartNanos;
    volatile long responseEndNanos;
    volatile int status;
    volatile boolean responseComplete;
    volatile String failure;

    HttpExchange(int index) {
        this.index = index;
    }

    void request(HttpHead head, long startNanos, long idleBeforeNanos, boolean pipelined) {
        this.method = head.method;
        this.target = head.target;
        this.version = head.version;
        this.traceparent = head.traceparent;
        this.idempotencyKey = head.idempotencyKey;
        this.requestStartNanos = startNanos;
        this.idleBeforeNanos = idleBeforeNanos;
        this.pipelined = pipelined;
    }

    /** One half is done; true for the second, which completes the exchange. */
    boolean halfDone() {
        return halvesDone.incrementAndGet() == 2;
    }

    public String method() {
        return method;
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

    public boolean idempotencyKey() {
        return idempotencyKey;
    }

    /** When the request's first byte was seen. */
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

    public long requestEndNanos() {
        return requestEndNanos;
    }

    /** When the first byte of the response was seen, or 0. */
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

    /** Why no complete response arrived, or null. */
    public String failure() {
        return failure;
    }
}
