package io.connscope.agent.http;

import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireBytes;
import java.nio.ByteBuffer;

/**
 * The HTTP/1.x view of one connection: its request direction and its response direction, each
 * read incrementally and paired into {@link HttpExchange exchanges} by position (HTTP/1.x answers
 * requests in order, pipelined or not): request n and final response n share slot n, whichever is
 * seen first. The two directions may be fed from different threads; each direction's own state is
 * in its events ({@link Http1RequestEvents}, {@link Http1ResponseEvents}), touched only by the
 * thread feeding it; what they share is here.
 */
public final class HttpConnection implements WireAnalyser {

    /** Receives each exchange once, when both halves ended or the connection did. */
    public interface ExchangeSink {
        void finished(HttpExchange exchange);

        /** A request head was seen, on the thread that wrote (or read) it. */
        default void requestStarted(HttpExchange exchange) {
        }
    }

    private final Http1Stream requestStream;
    private final Http1Stream responseStream;
    /** The response direction's events, which also know when a response is under way. */
    private final Http1ResponseEvents responseEvents;
    final ExchangeSink sink;
    /** This connection's share of the analysis memory budget. */
    private final AnalysisMemory.Lease memory;
    private final OpenExchanges open = new OpenExchanges();

    // Written by one direction's events, read by the other's and by the export thread.
    /** Index of the last response that ended. */
    volatile int responsesEnded;
    volatile long lastExchangeEndNanos;
    volatile boolean seenHttp;
    private volatile String version;
    volatile int requests;
    volatile int responses;
    volatile int truncated;
    /** Responses whose body the client left unread, once {@link #responseLeftUnread()} said so. */
    volatile int leftUnread;
    /** Set by the connection's end, before {@link #end}: the response then in flight was left unread, not cut. */
    volatile boolean responseLeftUnread;
    private volatile boolean readFailed;
    volatile long keepAliveTimeoutSeconds = -1;
    private volatile String stopped;
    /** Made by the first message that bends or breaks HTTP/1.x ({@link Http1Violations#of}): most connections show none. */
    volatile Http1Violations violations;
    /**
     * When the bytes being fed in each direction were read or written: plain, since each is written and
     * then read by the thread feeding that direction, within one feed.
     */
    private long requestBytesNanos;
    private long responseBytesNanos;
    /** When the connection ended, once {@link #end(long)} runs; messages ending at the close end then. */
    private volatile long endedAt;
    /** The first message that said this connection will close ("response 3"), or null. */
    volatile String closeAnnouncedBy;
    /** The index of the message that announced the close (its exchange's), set before {@link #closeAnnouncedBy}. */
    volatile int closeAnnouncedAt;
    /** Made when a client library first says something ({@link ClientHints#of}): most never do. */
    volatile ClientHints clientHints;
    /** The WebSocket session after a 101 to websocket: response-direction bytes go there from then on. */
    volatile WebSocketSession webSocket;
    /**
     * The request asking for the upgrade was seen in full: request-direction bytes go to the session
     * from then on. (A full-duplex client's 101 may be read before its request's write is seen.)
     */
    volatile boolean upgradeRequestSeen;
    /** The HTTP/2 session, once either direction showed HTTP/2: its streams are this connection's exchanges. */
    volatile Http2Session http2;

    public HttpConnection(ExchangeSink sink, AnalysisMemory.Lease memory) {
        this.sink = sink;
        this.memory = memory;
        responseEvents = new Http1ResponseEvents(this);
        requestStream = new Http1Stream(true, new Http1RequestEvents(this), memory);
        responseStream = new Http1Stream(false, responseEvents, memory);
    }

    /**
     * Feeds bytes of one direction (see {@link WireBytes}); {@code requests} says whether they carry
     * requests or responses.
     */
    @Override
    public void feed(boolean requests, Object data, int from, int len) {
        feed(requests, data, from, len, System.nanoTime());
    }

    @Override
    public void feed(boolean requests, Object data, int from, int len, long nanos) {
        if (requests) {
            requestBytesNanos = nanos;
        } else {
            responseBytesNanos = nanos;
        }
        WebSocketSession ws = webSocket;
        if (ws != null && (!requests || upgradeRequestSeen)) {
            ws.feed(requests, data, from, len);
        } else {
            (requests ? requestStream : responseStream).feed(data, from, len);
        }
    }

    /** The HTTP/2 session the connection speaks, or null. */
    public Http2Session http2() {
        return http2;
    }

    /** The session, created by whichever direction showed HTTP/2 first. Once per connection. */
    Http2Session http2Session(String detectedBy) {
        Http2Session s = http2;
        if (s == null) {
            synchronized (this) {
                s = http2;
                if (s == null) {
                    s = new Http2Session(sink, detectedBy, memory);
                    http2 = s;
                    seenHttp = true;
                }
            }
        }
        return s;
    }

    /** The WebSocket session the connection switched to, or null. */
    public WebSocketSession webSocket() {
        return webSocket;
    }

    /** Stops following a direction that cannot be analysed, with the reason. */
    @Override
    public void stop(String reason) {
        stopped(reason);
    }

    /** True once neither direction needs bytes any more. */
    @Override
    public boolean done() {
        return stopped != null || memory.refused() || requestStream.isOpaque() && responseStream.isOpaque();
    }

    /**
     * The connection ended at {@code endNanos}: settles close-delimited and truncated messages, and
     * reports requests that never got a response, all as of that moment (this runs later, once, on
     * the export thread). When the analysis memory budget stopped the analysis, the exchanges it
     * left open are dropped instead: whether they got their response is not known.
     */
    @Override
    public void end(long endNanos) {
        endedAt = endNanos;
        try {
            if (memory.refused()) {
                abandonOpenMessages(endNanos);
            } else {
                settleOpenMessages(endNanos);
            }
        } finally {
            memory.close(); // whatever a rule or a sink did above, the budget gets its bytes back
        }
    }

    /**
     * Said before {@link #end} of a client's connection let go of with input unread: a response then in
     * flight was left unread by the application rather than cut short by the server. Not when a read had
     * failed, nor once the analysis stopped (a body it stopped following may have been read unseen).
     */
    public void responseLeftUnread() {
        if (!readFailed && stopped == null && !memory.refused()) {
            responseLeftUnread = true;
        }
    }

    /**
     * A read on the connection failed other than by a reset (a timeout): the client was reading when the
     * response stopped coming, so a body then in flight was not one it left unread.
     */
    public void readFailed() {
        readFailed = true;
    }

    private void settleOpenMessages(long endNanos) {
        requestStream.end(false);
        responseStream.end(responseLeftUnread);
        Http2Session s = http2;
        if (s != null) {
            s.end(endNanos);
        }
        for (HttpExchange e : open.removeAll()) {
            if (e.responseEndNanos == 0L) {
                e.failure = "no_response";
                e.responseEndNanos = endNanos;
            }
            complete(e);
        }
    }

    /**
     * The budget stopped the analysis: what was in flight then was never seen to its end, so it is
     * neither truncated nor unanswered. It is dropped, and nothing is said of it.
     */
    private void abandonOpenMessages(long endNanos) {
        requestStream.abandon();
        responseStream.abandon();
        Http2Session s = http2;
        if (s != null) {
            s.abandon();
        }
        open.removeAll();
    }

    /**
     * The analysis is dropped without ending its exchanges (it failed, or was started over): what it
     * holds of the analysis memory budget goes back.
     */
    @Override
    public void abandon() {
        memory.close();
    }

    /** The first message that said this connection will close ("request 2", "response 3"), or null. */
    public String closeAnnouncedBy() {
        return closeAnnouncedBy;
    }

    /** Where client libraries say what they know of this connection; made on first use. */
    public ClientHints clientHints() {
        return ClientHints.of(this);
    }

    /**
     * The earliest request still waiting for (the end of) its response, or null; null too once the
     * analysis memory budget stopped the analysis, since its response may have come unseen.
     */
    public HttpExchange unanswered() {
        if (memory.refused()) {
            return null;
        }
        return open.earliestUnanswered();
    }

    /** Some bytes of a response arrived, but not yet its whole head. */
    public boolean responseHeadInFlight() {
        return responseEvents.headInFlight();
    }

    /** A request is on the wire or waiting for its response: the connection is in use, not idle. */
    public boolean inFlight() {
        return unanswered() != null;
    }

    /**
     * When a direction's bytes now being read were read or written: a message's start, head and end
     * take their time from its bytes' I/O, not from a clock read of their own. Once the connection
     * ended, when it ended (what is settled then ends then).
     */
    long now(boolean requests) {
        long ended = endedAt;
        return ended != 0L ? ended : requests ? requestBytesNanos : responseBytesNanos;
    }

    public boolean seenHttp() {
        return seenHttp;
    }

    /** "1.0", "1.1", or "2" once HTTP/2 was seen (after an h2c upgrade too); null before any HTTP. */
    public String version() {
        return http2 != null ? "2" : version;
    }

    /** Requests seen: HTTP/1.x heads and HTTP/2 streams. */
    public int requests() {
        Http2Session s = http2;
        return requests + (s == null ? 0 : s.requests());
    }

    /** Final (non-1xx) responses whose body arrived in full, on HTTP/1.x or HTTP/2 streams. */
    public int responses() {
        Http2Session s = http2;
        return responses + (s == null ? 0 : s.responses());
    }

    /** Messages cut short by the end of the connection. */
    public int truncated() {
        return truncated;
    }

    /** Responses whose body the client left unread (see {@link #responseLeftUnread()}). */
    public int leftUnread() {
        return leftUnread;
    }

    /** The server's advertised Keep-Alive timeout in seconds, or -1. */
    public long keepAliveTimeoutSeconds() {
        return keepAliveTimeoutSeconds;
    }

    /** Why analysis stopped after HTTP was seen (an upgrade, a tunnel, a violation), or null. */
    public String stopped() {
        return seenHttp ? stopped : null;
    }

    /** How the peers bent or broke HTTP/1.x on this connection. */
    public Http1Violations violations() {
        Http1Violations v = violations;
        return v != null ? v : Http1Violations.NONE;
    }

    void stopped(String reason) {
        if (stopped == null) {
            stopped = reason;
        }
    }

    /** Exchange {@code index}, made by whichever direction comes to it first; null once too many are open. */
    HttpExchange slot(int index) {
        HttpExchange e = open.slot(index);
        if (e == null) {
            stopped("more than " + OpenExchanges.MAX + " exchanges open at once");
        }
        return e;
    }

    /** The exchange no longer awaits anything here (its HTTP/2 stream ends it, or it was left to HTTP/2). */
    void forget(HttpExchange e) {
        open.remove(e);
    }

    /** One half of the exchange ended: after both, it is handed on. */
    void halfDone(HttpExchange e) {
        if (e.halfDone()) {
            Http2Session s = http2;
            if (e.http2StreamId != 0 && s != null) {
                forget(e);
                s.upgradeRequestDone(e); // an h2c upgrade request, whose HTTP/2 response ended first
            } else if (open.remove(e)) {
                complete(e);
            }
        }
    }

    private void complete(HttpExchange e) {
        lastExchangeEndNanos = e.responseEndNanos;
        sink.finished(e);
    }

    void seen(HttpHead head) {
        seenHttp = true;
        if (version == null) {
            version = head.version;
        }
    }

    /** Message {@code index} of a direction broke HTTP/1.x: kept once per direction, and the analysis stops. */
    void malformed(boolean requests, int index, String reason) {
        if (!seenHttp) {
            return; // bytes that were never HTTP are not a violation of it
        }
        Http1Violations.of(this).malformed(requests, index, reason);
        stopped(reason);
    }

    static boolean isWebSocket(String upgrade) {
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    static boolean isH2c(String upgrade) {
        return upgrade != null && upgrade.trim().equalsIgnoreCase("h2c");
    }
}
