package io.connscope.agent.http;

import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.WireAnalyser;
import java.nio.ByteBuffer;

/**
 * The events of an HTTP/1.x connection's request direction: each request head takes the next
 * exchange slot and says what it asks (an upgrade, a close), and its end ends the exchange's request
 * half. Its own state is touched only by the thread feeding that direction.
 */
final class Http1RequestEvents implements Http1Events {

    private final HttpConnection c;
    private long requestStartNanos;
    private HttpExchange requesting;
    private int requestIndex;
    /** The analysis the requests switched to: HTTP/2's, after its connection preface. */
    private WireAnalyser switched;

    Http1RequestEvents(HttpConnection connection) {
        this.c = connection;
    }

    @Override
    public void messageStart() {
        requestStartNanos = c.now(true);
    }

    @Override
    public void head(HttpHead head) {
        c.seen(head);
        c.requests++;
        int index = ++requestIndex;
        Http1Violations.irregularity(c, head, index);
        HttpExchange e = c.slot(index);
        requesting = e;
        if (e != null) {
            boolean pipelined = index - 1 > c.responsesEnded;
            long idle = index > 1 && !pipelined ? requestStartNanos - c.lastExchangeEndNanos : -1;
            e.request(head, requestStartNanos, idle, pipelined);
            if (e.http2StreamId != 0) {
                // An h2c upgrade whose 101 was read first: already HTTP/2's stream 1, which its session ends.
                e.version = "2";
                c.forget(e);
            }
            e.asksForWebSocket = HttpConnection.isWebSocket(head.upgrade);
            e.keepAliveTimeoutSeconds = c.keepAliveTimeoutSeconds;
            // Only a message of an earlier exchange: a full-duplex client can read this request's own response
            // (Connection: close) before its write of the request is seen.
            String announced = c.closeAnnouncedBy;
            e.afterCloseAnnouncedBy = announced != null && c.closeAnnouncedAt < index ? announced : null;
            ClientHints hints = c.clientHints;
            e.client = hints == null ? null : hints.takeNextRequest();
        }
        if (head.connectionClose && c.closeAnnouncedBy == null) {
            c.closeAnnouncedAt = index;
            c.closeAnnouncedBy = "request " + index;
        }
        if (e != null) {
            c.sink.requestStarted(e);
        }
        WebSocketSession ws = c.webSocket;
        if (ws != null && head.webSocketKey != null) {
            ws.requestKey(head.webSocketKey);
        }
    }

    @Override
    public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
        if (!complete) {
            c.truncated++;
        }
        HttpExchange e = requesting;
        if (e != null) {
            requesting = null;
            e.requestEndNanos = c.now(true);
            if (e.asksForWebSocket) {
                c.upgradeRequestSeen = true;
            }
            c.halfDone(e);
        }
    }

    @Override
    public void opaque(String reason) {
        if (c.seenHttp) {
            c.stopped(reason);
        }
    }

    @Override
    public boolean http2Preface() {
        Http2Session s = c.http2Session(Http2Session.PRIOR_KNOWLEDGE);
        s.requestFrames.expectPrefaceTail();
        switched = s;
        return true;
    }

    @Override
    public void switchedBytes(Object data, int from, int len) {
        switched.feed(true, data, from, len);
    }

    @Override
    public void malformed(String reason) {
        // A request whose head was seen is still in flight while its body is read.
        c.malformed(true, requesting != null ? requestIndex : requestIndex + 1, reason);
    }
}
