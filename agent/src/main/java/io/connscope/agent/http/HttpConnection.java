package io.connscope.agent.http;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.x view of one connection: its request direction and its response direction, each
 * read incrementally, paired into {@link HttpExchange exchanges} in order (HTTP/1.x answers
 * requests in the order they were sent, pipelined or not). The two directions may be fed from
 * different threads; each direction's own state is touched only by the thread feeding it.
 */
public final class HttpConnection {

    /** Receives each exchange once, when its response ended or the connection did. */
    public interface ExchangeSink {
        void finished(HttpExchange exchange);
    }

    /** Requests remembered while waiting for their responses; beyond this, pipelining is not followed. */
    private static final int MAX_OUTSTANDING = 64;

    private final Http1Stream requestStream;
    private final Http1Stream responseStream;
    private final ExchangeSink sink;
    private final ConcurrentLinkedQueue<HttpExchange> awaiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();

    // request direction
    private long requestStartNanos;
    private HttpExchange requesting;
    private int requestIndex;
    // response direction
    private HttpExchange responding;

    private volatile long lastExchangeEndNanos;
    private volatile boolean seenHttp;
    private volatile String version;
    private volatile int requests;
    private volatile int responses;
    private volatile int truncated;
    private volatile long keepAliveTimeoutSeconds = -1;
    private volatile String stopped;

    public HttpConnection(ExchangeSink sink) {
        this.sink = sink;
        requestStream = new Http1Stream(true, new RequestSide(), this::takeAwaiting);
        responseStream = new Http1Stream(false, new ResponseSide(), this::takeAwaiting);
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

    /** The connection ended: settles close-delimited and truncated messages, and unanswered requests. */
    public void end() {
        requestStream.end();
        responseStream.end();
        HttpExchange e;
        while ((e = awaiting.poll()) != null) {
            e.failure = "no_response";
            e.responseEndNanos = System.nanoTime();
            finish(e);
        }
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

    /** The request a final response answers: the oldest one still waiting. */
    private String takeAwaiting() {
        responding = awaiting.poll();
        return responding == null ? null : responding.method;
    }

    private void finish(HttpExchange e) {
        outstanding.decrementAndGet();
        lastExchangeEndNanos = e.responseEndNanos;
        sink.finished(e);
    }

    private void seen(HttpHead head) {
        seenHttp = true;
        if (version == null) {
            version = head.version;
        }
    }

    /** Events of the direction carrying requests. */
    private final class RequestSide implements Http1Events {
        @Override
        public void messageStart() {
            requestStartNanos = System.nanoTime();
        }

        @Override
        public void head(HttpHead head) {
            seen(head);
            requests++;
            int before = outstanding.get();
            if (before >= MAX_OUTSTANDING) {
                requesting = null;
                return;
            }
            long idle = requestIndex > 0 && before == 0 ? requestStartNanos - lastExchangeEndNanos : -1;
            HttpExchange e = new HttpExchange(++requestIndex, head, requestStartNanos, idle, before > 0);
            outstanding.incrementAndGet();
            requesting = e;
            awaiting.offer(e);
        }

        @Override
        public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
            HttpExchange e = requesting;
            if (e != null) {
                e.requestEndNanos = System.nanoTime();
                requesting = null;
            }
            if (!complete) {
                truncated++;
            }
        }

        @Override
        public void opaque(String reason) {
            if (seenHttp) {
                stopped(reason);
            }
        }
    }

    /** Events of the direction carrying responses. */
    private final class ResponseSide implements Http1Events {
        @Override
        public void messageStart() {
            HttpExchange next = awaiting.peek();
            if (next != null && next.responseStartNanos == 0L) {
                next.responseStartNanos = System.nanoTime();
            }
        }

        @Override
        public void head(HttpHead head) {
            seen(head);
            if (head.keepAliveTimeoutSeconds >= 0) {
                keepAliveTimeoutSeconds = head.keepAliveTimeoutSeconds;
            }
            HttpExchange e = responding;
            if (e != null && (head.status < 100 || head.status >= 200 || head.status == 101)) {
                e.status = head.status;
            }
        }

        @Override
        public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
            if (complete) {
                responses++;
            } else {
                truncated++;
            }
            HttpExchange e = responding;
            if (e != null) {
                responding = null;
                e.responseComplete = complete;
                e.failure = complete ? null : "truncated_response";
                e.responseEndNanos = System.nanoTime();
                finish(e);
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
