package io.connscope.agent.http;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireAnalyser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The HTTP/2 view of one connection (RFC 9113): its streams, each reported as an
 * {@link HttpExchange}, and what the connection itself said: SETTINGS, GOAWAY, RST_STREAM, PING.
 * The request direction and the response direction are fed by their own {@link Http2Frames},
 * possibly from two threads; streams are shared between them through a fixed table.
 */
public final class Http2Session implements WireAnalyser {

    /** How the connection came to speak HTTP/2. */
    public static final String PRIOR_KNOWLEDGE = "prior_knowledge";
    public static final String H2C_UPGRADE = "h2c_upgrade";

    /** Streams followed at once: a slot per stream id modulo this (client streams are odd ids). */
    private static final int STREAM_SLOTS = 512;

    // SETTINGS identifiers (RFC 9113 §6.5.2)
    static final int HEADER_TABLE_SIZE = 1;
    static final int MAX_CONCURRENT_STREAMS = 3;
    static final int INITIAL_WINDOW_SIZE = 4;
    static final int MAX_FRAME_SIZE = 5;

    private final HttpConnection.ExchangeSink sink;
    private final String detectedBy;
    /** Stream 1 is an h2c upgrade request (whichever direction showed HTTP/2 first). */
    private volatile boolean upgraded;
    private final AtomicReferenceArray<HttpExchange> streams = new AtomicReferenceArray<>(STREAM_SLOTS);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger exchanges = new AtomicInteger();
    final Http2Frames requestFrames;
    final Http2Frames responseFrames;

    private final AtomicInteger streamsOpened = new AtomicInteger();
    private volatile int requestHeads;
    private volatile int finalResponses;
    private final AtomicInteger peakConcurrent = new AtomicInteger();
    private volatile int pushPromises;
    private final AtomicInteger notFollowed = new AtomicInteger();
    private final Http2Side client = new Http2Side();
    private final Http2Side server = new Http2Side();
    private final Http2Goaway goaway = new Http2Goaway();
    private final Http2FlowControl flow = new Http2FlowControl();
    /** Why the frames are no longer read, when {@link #stop} said so; else null. */
    private volatile String stopped;

    Http2Session(HttpConnection.ExchangeSink sink, String detectedBy, AnalysisMemory.Lease memory) {
        this.sink = sink;
        this.detectedBy = detectedBy;
        this.requestFrames = new Http2Frames(this, true, memory);
        this.responseFrames = new Http2Frames(this, false, memory);
    }

    /**
     * An h2c upgrade: the HTTP/1.1 request that asked for it is stream 1, half-closed from the client, and its
     * response arrives as HTTP/2 (RFC 7540 §3.2; RFC 9113 deprecates the upgrade, which servers and java.net.http use).
     */
    void upgradeRequest(HttpExchange e) {
        upgraded = true;
        e.http2RequestSeen = true;
        e.http2StreamId = 1;
        e.version = "2";
        e.status = 0;
        e.responseHead = null;
        e.responseStartNanos = 0L;
        e.responseEndNanos = 0L;
        e.responseComplete = false;
        e.failure = null;
        streams.set(slot(1), e);
        exchanges.set(Math.max(exchanges.get(), e.index));
        opened();
    }

    // ---- events from the frame parsers ----

    /** A complete header block (HEADERS and its CONTINUATIONs) on a stream; {@code fields} null when not decoded. */
    void headers(boolean requests, int streamId, boolean endStream, HpackDecoder.Fields fields, long nanos) {
        HttpExchange e = stream(streamId);
        if (e == null && (streamId & 1) == 1) {
            // A full-duplex peer's response can be read before the writer's hook has seen the request.
            e = newStream(streamId, nanos);
        }
        if (e == null) {
            return; // a stream not followed, or a pushed one
        }
        if (requests) {
            if (!e.http2RequestSeen) { // a later block on the request side is trailers
                e.http2RequestSeen = true;
                requestHeads++;
                if (fields != null) {
                    e.method = fields.method;
                    e.target = fields.path;
                    e.traceparent = fields.traceparent;
                    e.host = fields.authority;
                    e.userAgent = fields.userAgent;
                    if (fields.grpc && e.responseStartNanos == 0L) {
                        // Only from its start: a response already under way would be counted from its middle.
                        e.grpc = new GrpcCall(fields.path);
                    }
                }
            }
            if (endStream) {
                e.requestEndNanos = nanos;
                halfDone(e);
            }
            return;
        }
        if (e.responseStartNanos == 0L) {
            e.responseStartNanos = nanos;
        }
        if (fields != null && fields.status >= 200) {
            e.status = fields.status;
            e.responseDeclaredBytes = fields.contentLength;
        }
        GrpcCall grpc = e.grpc;
        if (grpc != null && fields != null && fields.grpcStatus >= 0) { // trailers, or a trailers-only response
            grpc.status = fields.grpcStatus;
            grpc.message = fields.grpcMessage;
        }
        if (endStream) {
            endResponse(e, nanos);
        }
    }

    /** A new stream in its slot; or the one the other direction made at the same moment; or null: the slot is taken. */
    private HttpExchange newStream(int streamId, long nanos) {
        int slot = slot(streamId);
        if (streams.get(slot) == null) {
            HttpExchange e = new HttpExchange(exchanges.incrementAndGet());
            e.http2StreamId = streamId;
            e.version = "2";
            e.requestStartNanos = nanos;
            e.idleBeforeNanos = -1;
            if (streams.compareAndSet(slot, null, e)) {
                opened();
                return e;
            }
        }
        HttpExchange held = stream(streamId);
        if (held == null) {
            notFollowed.incrementAndGet();
        }
        return held;
    }

    /** Either direction may open a stream (a full-duplex peer's response can come first). */
    private void opened() {
        streamsOpened.incrementAndGet();
        peakConcurrent.accumulateAndGet(open.incrementAndGet(), Math::max);
    }

    /** DATA on a stream: {@code bytes} of payload at {@code data[from]}, padding excluded. */
    void data(boolean requests, int streamId, Object data, int from, int bytes) {
        HttpExchange e = stream(streamId);
        if (e == null) {
            return;
        }
        if (!requests) {
            e.responseBodyBytes += bytes;
        }
        GrpcCall grpc = e.grpc;
        if (grpc != null) {
            (requests ? grpc.requests : grpc.responses).feed(data, from, bytes);
        }
    }

    /** A DATA frame ended its stream's direction. */
    void endStream(boolean requests, int streamId, long nanos) {
        HttpExchange e = stream(streamId);
        if (e == null) {
            return;
        }
        if (requests) {
            e.requestEndNanos = nanos;
            halfDone(e);
        } else {
            endResponse(e, nanos);
        }
    }

    private void endResponse(HttpExchange e, long nanos) {
        if (e.status != 0) {
            finalResponses++;
        }
        e.responseComplete = true;
        e.responseEndNanos = nanos;
        halfDone(e);
    }

    void reset(boolean requests, int streamId, long errorCode, long nanos) {
        Http2Side side = requests ? client : server;
        side.resets++;
        HttpExchange e = stream(streamId);
        if (e == null) {
            return;
        }
        if (e.responseStartNanos == 0L && nanos - e.requestStartNanos <= Http2Side.RAPID_RESET_NANOS) {
            side.rapidResets++;
            side.longestBeforeResetNanos = Math.max(side.longestBeforeResetNanos, nanos - e.requestStartNanos);
        }
        e.resetBy = requests ? "client" : "server";
        e.resetErrorCode = errorCode;
        e.failure = "stream_reset";
        e.requestCompleteAtReset = e.requestEndNanos != 0L;
        e.requestEndNanos = e.requestCompleteAtReset ? e.requestEndNanos : nanos;
        if (e.responseEndNanos == 0L) {
            e.responseEndNanos = nanos;
        }
        close(e);
    }

    void setting(boolean requests, int id, long value) {
        (requests ? client : server).setting(id, value);
        if (id == INITIAL_WINDOW_SIZE) {
            flow.initialWindow(requests, value);
        }
    }

    /** A DATA frame's whole payload, padding included: what flow control counts (RFC 9113 §6.9). */
    void dataFrame(boolean requests, int streamId, int length, boolean endStream, long nanos) {
        flow.data(requests, stream(streamId), length, endStream, nanos);
    }

    void windowUpdate(boolean requests, int streamId, long increment, long nanos) {
        flow.windowUpdate(requests, streamId == 0, stream(streamId), increment, nanos);
    }

    void goaway(boolean requests, long lastStreamId, long errorCode, String debug, long nanos) {
        goaway.received(requests, lastStreamId, errorCode, debug, nanos);
    }

    void ping(boolean requests, boolean ack, long opaque, long nanos) {
        if (!ack) {
            (requests ? client : server).pings++;
        }
        flow.ping(requests, ack, opaque, nanos);
    }

    void pushPromise() {
        pushPromises++;
    }

    /** One direction's frames (see {@link io.connscope.agent.wire.WireBytes}): the client's when {@code requests}. */
    @Override
    public void feed(boolean requests, Object data, int from, int len) {
        if (stopped == null) {
            (requests ? requestFrames : responseFrames).feed(data, from, len);
        }
    }

    /** True once neither direction's frames are read any more. */
    @Override
    public boolean done() {
        return stopped != null || requestFrames.failure() != null && responseFrames.failure() != null;
    }

    /** Reads no more frames; each direction's parser stays its own thread's. */
    @Override
    public void stop(String reason) {
        stopped = reason;
    }

    /** The connection ended: streams still open end with it. */
    @Override
    public void end(long endNanos) {
        end(endNanos, false);
    }

    /** The analysis was dropped before its streams ended: nothing is known of how they did, and they go unreported. */
    @Override
    public void abandon() {
        end(0L, true);
    }

    private void end(long endNanos, boolean abandoned) {
        requestFrames.end();
        responseFrames.end();
        for (int i = 0; i < STREAM_SLOTS; i++) {
            HttpExchange e = streams.get(i);
            if (e != null && abandoned) {
                streams.set(i, null);
            } else if (e != null) {
                if (e.responseEndNanos == 0L) {
                    e.failure = e.failure != null ? e.failure : "no_response";
                    e.responseEndNanos = endNanos;
                }
                if (e.requestEndNanos == 0L) {
                    e.requestEndNanos = endNanos;
                }
                close(e);
            }
        }
    }

    private void halfDone(HttpExchange e) {
        if (e.halfDone()) {
            close(e);
        }
    }

    /** The h2c upgrade request's HTTP/1.1 half ended after its HTTP/2 response did: the stream is done. */
    void upgradeRequestDone(HttpExchange e) {
        close(e);
    }

    /** Takes the stream out of the table and reports it, once. */
    private void close(HttpExchange e) {
        if (streams.compareAndSet(slot(e.http2StreamId), e, null)) {
            open.decrementAndGet();
            goaway.streamClosed(e);
            sink.finished(e);
        }
    }

    private HttpExchange stream(int streamId) {
        HttpExchange e = streams.get(slot(streamId));
        return e != null && e.http2StreamId == streamId ? e : null;
    }

    private static int slot(int streamId) {
        return streamId & (STREAM_SLOTS - 1);
    }

    // ---- what the export reads ----

    /** Streams opened with a request header block (an h2c upgrade request is counted as HTTP/1.1). */
    int requests() {
        return requestHeads;
    }

    /** Streams whose final response ended with END_STREAM. */
    int responses() {
        return finalResponses;
    }

    public String detectedBy() {
        return upgraded ? H2C_UPGRADE : detectedBy;
    }

    /** Streams the client opened (the h2c upgrade request included). */
    public int streamsOpened() {
        return streamsOpened.get();
    }

    public int peakConcurrentStreams() {
        return peakConcurrent.get();
    }

    public int pushPromises() {
        return pushPromises;
    }

    /** Streams not followed: more than the table holds were open at once. */
    public int streamsNotFollowed() {
        return notFollowed.get();
    }

    public Http2Side client() {
        return client;
    }

    public Http2Side server() {
        return server;
    }

    /** The windows, the waits for them, and PING round trips. */
    public Http2FlowControl flow() {
        return flow;
    }

    /** Streams open now: requests in flight on this connection. */
    public int openStreams() {
        return open.get();
    }

    /** The first GOAWAY, if any was sent. */
    public Http2Goaway goaway() {
        return goaway;
    }

    /** Why header blocks of a direction stopped being decoded (methods, paths, statuses then unknown), or null. */
    public String hpackFailure() {
        String f = requestFrames.hpackFailure();
        return f != null ? "requests: " + f : responseFrames.hpackFailure() != null
            ? "responses: " + responseFrames.hpackFailure() : null;
    }

    /** Why the frames of a direction stopped being read, or null. */
    public String framingFailure() {
        String f = requestFrames.failure();
        return f != null ? "requests: " + f : responseFrames.failure() != null
            ? "responses: " + responseFrames.failure() : null;
    }
}
