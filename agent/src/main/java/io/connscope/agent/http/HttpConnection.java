package io.connscope.agent.http;

import io.connscope.agent.websocket.WebSocketSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP/1.x view of one connection: its request direction and its response direction, each
 * read incrementally and paired into {@link HttpExchange exchanges} by position (HTTP/1.x answers
 * requests in order, pipelined or not): request n and final response n share slot n, whichever is
 * seen first. The two directions may be fed from different threads; each direction's own state is
 * touched only by the thread feeding it.
 */
public final class HttpConnection {

    /** Receives each exchange once, when both halves ended or the connection did. */
    public interface ExchangeSink {
        void finished(HttpExchange exchange);

        /** A request head was seen, on the thread that wrote (or read) it. */
        default void requestStarted(HttpExchange exchange) {
        }
    }

    /** Exchanges followed at once; a deeper pipeline (or a one-sided stream) ends the analysis. */
    private static final int MAX_OPEN_EXCHANGES = 64;

    private final Http1Stream requestStream;
    private final Http1Stream responseStream;
    private final ExchangeSink sink;
    /** This connection's share of the analysis memory budget. */
    private final AnalysisMemory.Lease memory;
    /** Usually one or two exchanges at a time; sized small because every tracked connection has one. */
    private final ConcurrentHashMap<Integer, HttpExchange> open = new ConcurrentHashMap<>(2);

    // request direction
    private long requestStartNanos;
    private HttpExchange requesting;
    private int requestIndex;
    // response direction
    private HttpExchange responding;
    private int responseIndex;
    /** When the first byte of the response being received arrived; 0 between responses. */
    private volatile long responseStartNanos;

    private volatile int responsesEnded;
    private volatile long lastExchangeEndNanos;
    private volatile boolean seenHttp;
    private volatile String version;
    private volatile int requests;
    private volatile int responses;
    private volatile int truncated;
    private volatile long keepAliveTimeoutSeconds = -1;
    private volatile String stopped;
    private final Http1Violations violations = new Http1Violations();
    /** When the connection ended, once {@link #end(long)} runs; messages ending at the close end then. */
    private volatile long endedAt;
    /** The first message that said this connection will close ("response 3"), or null. */
    private volatile String closeAnnouncedBy;
    private final ClientHints clientHints = new ClientHints();
    /** The WebSocket session after a 101 to websocket: response-direction bytes go there from then on. */
    private volatile WebSocketSession webSocket;
    /**
     * The request asking for the upgrade was seen in full: request-direction bytes go to the session
     * from then on. (A full-duplex client's 101 may be read before its request's write is seen.)
     */
    private volatile boolean upgradeRequestSeen;
    /** The HTTP/2 session, once either direction showed HTTP/2: its streams are this connection's exchanges. */
    private volatile Http2Session http2;

    public HttpConnection(ExchangeSink sink, AnalysisMemory.Lease memory) {
        this.sink = sink;
        this.memory = memory;
        Http1Stream.RequestMethods nextResponse = this::nextResponse;
        requestStream = new Http1Stream(true, new RequestSide(), nextResponse, memory);
        responseStream = new Http1Stream(false, new ResponseSide(), nextResponse, memory);
    }

    /** Feeds bytes of one direction; {@code requests} says whether they carry requests or responses. */
    public void feed(boolean requests, byte[] b, int off, int len) {
        WebSocketSession ws = webSocket;
        if (ws != null && (!requests || upgradeRequestSeen)) {
            ws.feed(requests, b, off, len);
        } else {
            (requests ? requestStream : responseStream).feed(b, off, len);
        }
    }

    public void feed(boolean requests, ByteBuffer buffer, int from, int len) {
        WebSocketSession ws = webSocket;
        if (ws != null && (!requests || upgradeRequestSeen)) {
            ws.feed(requests, buffer, from, len);
        } else {
            (requests ? requestStream : responseStream).feed(buffer, from, len);
        }
    }

    /** The HTTP/2 session the connection speaks, or null. */
    public Http2Session http2() {
        return http2;
    }

    /** The session, created by whichever direction showed HTTP/2 first. Once per connection. */
    private Http2Session http2Session(String detectedBy) {
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
    public void stop(String reason) {
        stopped(reason);
    }

    /** True once neither direction needs bytes any more. */
    public boolean done() {
        return stopped != null || memory.refused() || requestStream.isOpaque() && responseStream.isOpaque();
    }

    /**
     * The connection ended at {@code endNanos}: settles close-delimited and truncated messages, and
     * reports requests that never got a response, all as of that moment (this runs later, once, on
     * the export thread). When the analysis memory budget stopped the analysis, the exchanges it
     * left open are dropped instead: whether they got their response is not known.
     */
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

    private void settleOpenMessages(long endNanos) {
        requestStream.end();
        responseStream.end();
        Http2Session s = http2;
        if (s != null) {
            s.end(endNanos, false);
        }
        List<HttpExchange> left = new ArrayList<>(open.values());
        left.sort(Comparator.comparingInt(x -> x.index));
        for (HttpExchange e : left) {
            if (open.remove(key(e.index), e)) {
                if (e.responseEndNanos == 0L) {
                    e.failure = "no_response";
                    e.responseEndNanos = endNanos;
                }
                complete(e);
            }
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
            s.end(endNanos, true);
        }
        open.clear();
    }

    /**
     * The analysis is dropped without ending its exchanges (it failed, or was started over): what it
     * holds of the analysis memory budget goes back.
     */
    public void abandon() {
        memory.close();
    }

    /** What client libraries said about this connection. */
    public ClientHints clientHints() {
        return clientHints;
    }

    /**
     * The earliest request still waiting for (the end of) its response, or null; null too once the
     * analysis memory budget stopped the analysis, since its response may have come unseen.
     */
    public HttpExchange unanswered() {
        if (memory.refused()) {
            return null;
        }
        HttpExchange first = null;
        for (HttpExchange e : open.values()) {
            if (e.method != null && e.responseEndNanos == 0L && (first == null || e.index < first.index)) {
                first = e;
            }
        }
        return first;
    }

    /** Some bytes of a response arrived, but not yet its whole head. */
    public boolean responseHeadInFlight() {
        return responseStartNanos != 0L;
    }

    /** A request is on the wire or waiting for its response: the connection is in use, not idle. */
    public boolean inFlight() {
        return unanswered() != null;
    }

    private long now() {
        long ended = endedAt;
        return ended != 0L ? ended : System.nanoTime();
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
        return violations;
    }

    private void stopped(String reason) {
        if (stopped == null) {
            stopped = reason;
        }
    }

    private HttpExchange slot(int index) {
        Integer key = key(index);
        HttpExchange e = open.get(key);
        if (e == null) {
            if (open.size() >= MAX_OPEN_EXCHANGES) {
                stopped("more than " + MAX_OPEN_EXCHANGES + " exchanges open at once");
                return null;
            }
            HttpExchange made = new HttpExchange(index);
            e = open.putIfAbsent(key, made); // not computeIfAbsent, whose reservation node is one more allocation
            if (e == null) {
                e = made;
            }
        }
        if (e.index != index) {
            stopped("exchanges " + e.index + " and " + index + " open at once");
            return null;
        }
        return e;
    }

    /**
     * An exchange's key in {@link #open}: its index modulo 128, a boxed value the JDK caches, so that
     * keeping it allocates nothing. The open exchanges are consecutive (each direction ends its messages
     * in order) and at most {@link #MAX_OPEN_EXCHANGES}, so their keys differ; {@link #slot} checks it.
     */
    private static Integer key(int index) {
        return index & 127;
    }

    /** A final response begins: it answers the next request in order (its method decides the framing). */
    private String nextResponse() {
        responding = slot(++responseIndex);
        if (responding == null) {
            return null;
        }
        responding.responseStartNanos = responseStartNanos;
        responseStartNanos = 0L;
        return responding.method;
    }

    private void halfDone(HttpExchange e) {
        if (e.halfDone()) {
            Http2Session s = http2;
            if (e.http2StreamId != 0 && s != null) {
                open.remove(key(e.index), e);
                s.upgradeRequestDone(e); // an h2c upgrade request, whose HTTP/2 response ended first
            } else if (open.remove(key(e.index), e)) {
                complete(e);
            }
        }
    }

    private void complete(HttpExchange e) {
        lastExchangeEndNanos = e.responseEndNanos;
        sink.finished(e);
    }

    private void seen(HttpHead head) {
        seenHttp = true;
        if (version == null) {
            version = head.version;
        }
    }

    /** Message {@code index} of a direction broke HTTP/1.x: kept once per direction, and the analysis stops. */
    private void malformed(boolean requests, int index, String reason) {
        if (!seenHttp) {
            return; // bytes that were never HTTP are not a violation of it
        }
        violations.malformed(requests, index, reason);
        stopped(reason);
    }

    private static boolean isWebSocket(String upgrade) {
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    private static boolean isH2c(String upgrade) {
        return upgrade != null && upgrade.trim().equalsIgnoreCase("h2c");
    }

    /** Events of the direction carrying requests. */
    private final class RequestSide implements Http1Events {
        /** The HTTP/2 frames of this direction, after the connection preface. */
        private Http2Frames h2;
        @Override
        public void messageStart() {
            requestStartNanos = System.nanoTime();
        }

        @Override
        public void head(HttpHead head) {
            seen(head);
            requests++;
            int index = ++requestIndex;
            violations.irregularity(head, index);
            HttpExchange e = slot(index);
            requesting = e;
            if (e != null) {
                boolean pipelined = index - 1 > responsesEnded;
                long idle = index > 1 && !pipelined ? requestStartNanos - lastExchangeEndNanos : -1;
                e.request(head, requestStartNanos, idle, pipelined);
                if (e.http2StreamId != 0) {
                    // An h2c upgrade whose 101 was read first: already HTTP/2's stream 1, which its session ends.
                    e.version = "2";
                    open.remove(key(e.index), e);
                }
                e.asksForWebSocket = isWebSocket(head.upgrade);
                e.keepAliveTimeoutSeconds = keepAliveTimeoutSeconds;
                e.afterCloseAnnouncedBy = closeAnnouncedBy;
                e.client = clientHints.takeNextRequest();
            }
            if (head.connectionClose && closeAnnouncedBy == null) {
                closeAnnouncedBy = "request " + index;
            }
            if (e != null) {
                sink.requestStarted(e);
            }
            WebSocketSession ws = webSocket;
            if (ws != null && head.webSocketKey != null) {
                ws.requestKey(head.webSocketKey);
            }
        }

        @Override
        public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
            if (!complete) {
                truncated++;
            }
            HttpExchange e = requesting;
            if (e != null) {
                requesting = null;
                e.requestEndNanos = now();
                if (e.asksForWebSocket) {
                    upgradeRequestSeen = true;
                }
                halfDone(e);
            }
        }

        @Override
        public void opaque(String reason) {
            if (seenHttp) {
                stopped(reason);
            }
        }

        @Override
        public boolean http2Preface() {
            h2 = http2Session(Http2Session.PRIOR_KNOWLEDGE).requestFrames;
            h2.expectPrefaceTail();
            return true;
        }

        @Override
        public void switchedBytes(byte[] b, int off, int len) {
            h2.feed(b, off, len);
        }

        @Override
        public void switchedBytes(ByteBuffer buffer, int from, int len) {
            h2.feed(buffer, from, len);
        }

        @Override
        public void malformed(String reason) {
            // A request whose head was seen is still in flight while its body is read.
            HttpConnection.this.malformed(true, requesting != null ? requestIndex : requestIndex + 1, reason);
        }
    }

    /** Events of the direction carrying responses. */
    private final class ResponseSide implements Http1Events {
        /** The session a 101 to websocket opened, between its head and the switch. */
        private WebSocketSession upgraded;
        /** The exchange a 101 to h2c answered, between its head and the switch: it becomes stream 1. */
        private HttpExchange upgradedToHttp2;
        /** The HTTP/2 frames of this direction, once it speaks HTTP/2. */
        private Http2Frames h2;

        @Override
        public void messageStart() {
            if (responseStartNanos == 0L) { // the first byte of a response, interim ones included
                responseStartNanos = System.nanoTime();
            }
        }

        @Override
        public void head(HttpHead head) {
            seen(head);
            boolean interimHead = head.status >= 100 && head.status < 200 && head.status != 101;
            violations.irregularity(head, interimHead ? responseIndex + 1 : responseIndex); // a final head's index is taken
            if (head.keepAliveTimeoutSeconds >= 0) {
                keepAliveTimeoutSeconds = head.keepAliveTimeoutSeconds;
            }
            HttpExchange e = responding;
            boolean interim = head.status >= 100 && head.status < 200 && head.status != 101;
            if (e == null || interim) {
                return;
            }
            e.response(head);
            e.responseHeadNanos = now();
            HttpHead request = e.requestHead; // null when this side read the response before seeing its request
            if (head.status == 101 && isWebSocket(head.upgrade) && (request == null || isWebSocket(request.upgrade))) {
                upgraded = new WebSocketSession(request == null ? null : request.webSocketKey, head.webSocketKey,
                    System.nanoTime());
                e.webSocket = upgraded;
            } else if (head.status == 101 && isH2c(head.upgrade) && (request == null || isH2c(request.upgrade))) {
                upgradedToHttp2 = e;
            }
            e.closeDelimited = !head.chunked && head.contentLength < 0 && head.status >= 200
                && head.status != 204 && head.status != 304 && !"HEAD".equals(e.method)
                && !("CONNECT".equals(e.method) && head.status < 300);
            boolean closing = head.connectionClose || "1.0".equals(head.version) && !head.connectionKeepAlive;
            if (closing && closeAnnouncedBy == null) {
                closeAnnouncedBy = "response " + e.index;
            }
        }

        @Override
        public void bodyAfterHead() {
            HttpExchange e = responding;
            if (e != null && e.responseHeadNanos != 0L) {
                e.responseBodyWaitNanos = now() - e.responseHeadNanos;
            }
        }

        @Override
        public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
            responsesEnded = responseIndex;
            HttpExchange e = responding;
            if (e != null && e == upgradedToHttp2) {
                responding = null;
                leaveToHttp2(e);
                return;
            }
            if (complete) {
                responses++;
            } else {
                truncated++;
            }
            if (e != null) {
                responding = null;
                e.responseComplete = complete;
                e.failure = complete ? null : "truncated_response";
                e.responseBodyBytes = bodyBytes;
                e.responseDeclaredBytes = declaredBodyBytes;
                e.responseEndNanos = now();
                halfDone(e);
            }
        }

        /**
         * Not a response: the request's answer comes on HTTP/2 stream 1. Once per h2c upgrade. When the
         * 101 was read before the writer's hook saw the request, the exchange stays for the request side to
         * find, as with any response read first.
         */
        private void leaveToHttp2(HttpExchange e) {
            if (e.requestHead != null) {
                open.remove(key(e.index), e);
            }
        }

        @Override
        public boolean switchProtocols(HttpHead head) {
            if (upgradedToHttp2 != null) {
                Http2Session s = http2Session(Http2Session.H2C_UPGRADE);
                s.upgradeRequest(upgradedToHttp2);
                upgradedToHttp2 = null;
                h2 = s.responseFrames;
                return true;
            }
            if (upgraded == null) {
                return false;
            }
            webSocket = upgraded;
            return true;
        }

        @Override
        public boolean http2Frames(boolean settings) {
            if (!settings && http2 == null) {
                return false;
            }
            h2 = http2Session(Http2Session.PRIOR_KNOWLEDGE).responseFrames;
            return true;
        }

        @Override
        public void switchedBytes(byte[] b, int off, int len) {
            if (h2 != null) {
                h2.feed(b, off, len);
            } else {
                webSocket.feed(false, b, off, len);
            }
        }

        @Override
        public void switchedBytes(ByteBuffer buffer, int from, int len) {
            if (h2 != null) {
                h2.feed(buffer, from, len);
            } else {
                webSocket.feed(false, buffer, from, len);
            }
        }

        @Override
        public void opaque(String reason) {
            if (seenHttp) {
                stopped(reason);
            }
        }

        @Override
        public void malformed(String reason) {
            HttpConnection.this.malformed(false, responding != null ? responseIndex : responseIndex + 1, reason);
        }
    }
}
