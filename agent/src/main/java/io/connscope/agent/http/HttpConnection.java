package io.connscope.agent.http;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.x view of one connection: its request direction and its response direction, each
 * read incrementally, and the requests still waiting for a response (which decide how responses
 * are framed: HEAD, CONNECT). The two directions may be fed from different threads.
 */
public final class HttpConnection {

    /** Requests remembered while waiting for their responses; beyond this, pipelining is not followed. */
    private static final int MAX_OUTSTANDING = 64;

    private final Http1Stream requestStream;
    private final Http1Stream responseStream;
    private final ConcurrentLinkedQueue<String> awaiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger awaitingCount = new AtomicInteger();

    private volatile boolean seenHttp;
    private volatile String version;
    private volatile int requests;
    private volatile int responses;
    private volatile int truncated;
    private volatile long keepAliveTimeoutSeconds = -1;
    private volatile String stopped;

    public HttpConnection() {
        Http1Stream.RequestMethods methods = () -> {
            String m = awaiting.poll();
            if (m != null) {
                awaitingCount.decrementAndGet();
            }
            return m;
        };
        requestStream = new Http1Stream(true, new Direction(true), methods);
        responseStream = new Http1Stream(false, new Direction(false), methods);
    }

    /** Feeds bytes of one direction; {@code requests} says whether they carry requests or responses. */
    public void feed(boolean requests, byte[] b, int off, int len) {
        (requests ? requestStream : responseStream).feed(b, off, len);
    }

    public void feed(boolean requests, ByteBuffer buffer, int from, int len) {
        (requests ? requestStream : responseStream).feed(buffer, from, len);
    }

    /** Stops following a direction that cannot be analysed, with the reason. */
    public void stop(String reason) {
        stopped(reason);
    }

    /** True once neither direction needs bytes any more. */
    public boolean done() {
        return stopped != null || requestStream.isOpaque() && responseStream.isOpaque();
    }

    /** The connection ended: settles close-delimited and truncated messages. */
    public void end() {
        requestStream.end();
        responseStream.end();
    }

    public boolean seenHttp() {
        return seenHttp;
    }

    public String version() {
        return version;
    }

    public int requests() {
        return requests;
    }

    /** Final (non-1xx) responses whose body arrived in full. */
    public int responses() {
        return responses;
    }

    /** Messages cut short by the end of the connection. */
    public int truncated() {
        return truncated;
    }

    /** The server's advertised Keep-Alive timeout in seconds, or -1. */
    public long keepAliveTimeoutSeconds() {
        return keepAliveTimeoutSeconds;
    }

    /** Why analysis stopped after HTTP was seen (an upgrade, a tunnel, a violation), or null. */
    public String stopped() {
        return seenHttp ? stopped : null;
    }

    private void stopped(String reason) {
        if (stopped == null) {
            stopped = reason;
        }
    }

    /** Events of one direction. */
    private final class Direction implements Http1Events {
        private final boolean requestSide;

        Direction(boolean requestSide) {
            this.requestSide = requestSide;
        }

        @Override
        public void head(HttpHead head) {
            seenHttp = true;
            if (version == null) {
                version = head.version;
            }
            if (requestSide) {
                requests++;
                if (awaitingCount.incrementAndGet() <= MAX_OUTSTANDING) {
                    awaiting.offer(head.method);
                } else {
                    awaitingCount.decrementAndGet();
                }
            } else if (head.keepAliveTimeoutSeconds >= 0) {
                keepAliveTimeoutSeconds = head.keepAliveTimeoutSeconds;
            }
        }

        @Override
        public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
            if (!complete) {
                truncated++;
            } else if (!requestSide) {
                responses++;
            }
        }

        @Override
        public void opaque(String reason) {
            if (seenHttp) {
                stopped(reason);
            }
        }
    }
}
