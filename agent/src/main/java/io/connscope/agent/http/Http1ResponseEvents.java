package io.connscope.agent.http;

import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.WireAnalyser;
import java.nio.ByteBuffer;

/**
 * The events of an HTTP/1.x connection's response direction: each final response answers the next
 * request in order (whose method frames it), a 101 switches the connection to a WebSocket session or
 * to HTTP/2, and a response's end ends its exchange's response half. Its own state is touched only by
 * the thread feeding that direction, but for when a response began, which other threads ask about.
 */
final class Http1ResponseEvents implements Http1Events {

    private final HttpConnection c;
    private HttpExchange responding;
    private int responseIndex;
    /** When the first byte of the response being received arrived; 0 between responses. */
    private volatile long responseStartNanos;
    /** The session a 101 to websocket opened, between its head and the switch. */
    private WebSocketSession upgraded;
    /** The exchange a 101 to h2c answered, between its head and the switch: it becomes stream 1. */
    private HttpExchange upgradedToHttp2;
    /** The analysis the responses switched to: HTTP/2's (after an h2c upgrade, or its first frames), or WebSocket's. */
    private WireAnalyser switched;

    Http1ResponseEvents(HttpConnection connection) {
        this.c = connection;
    }

    /** Some bytes of a response arrived, but not yet its whole head. */
    boolean headInFlight() {
        return responseStartNanos != 0L;
    }

    /** A final response begins: it answers the next request in order (its method decides the framing). */
    @Override
    public String nextAwaitingResponse() {
        responding = c.slot(++responseIndex);
        if (responding == null) {
            return null;
        }
        responding.responseStartNanos = responseStartNanos;
        responseStartNanos = 0L;
        return responding.method;
    }

    @Override
    public void messageStart() {
        if (responseStartNanos == 0L) { // the first byte of a response, interim ones included
            responseStartNanos = c.now(false);
        }
    }

    @Override
    public void head(HttpHead head) {
        c.seen(head);
        boolean interim = head.status >= 100 && head.status < 200 && head.status != 101;
        Http1Violations.irregularity(c, head, interim ? responseIndex + 1 : responseIndex); // a final head's index is taken
        if (head.keepAliveTimeoutSeconds >= 0) {
            c.keepAliveTimeoutSeconds = head.keepAliveTimeoutSeconds;
        }
        HttpExchange e = responding;
        if (e == null || interim) {
            return;
        }
        e.response(head);
        e.responseHeadNanos = c.now(false);
        HttpHead request = e.requestHead; // null when this side read the response before seeing its request
        if (head.status == 101 && HttpConnection.isWebSocket(head.upgrade)
            && (request == null || HttpConnection.isWebSocket(request.upgrade))) {
            upgraded = new WebSocketSession(request == null ? null : request.webSocketKey, head.webSocketKey,
                c.now(false));
            e.webSocket = upgraded;
        } else if (head.status == 101 && HttpConnection.isH2c(head.upgrade)
            && (request == null || HttpConnection.isH2c(request.upgrade))) {
            upgradedToHttp2 = e;
        }
        e.closeDelimited = !head.chunked && head.contentLength < 0 && head.status >= 200
            && head.status != 204 && head.status != 304 && !"HEAD".equals(e.method)
            && !("CONNECT".equals(e.method) && head.status < 300);
        boolean closing = head.connectionClose || "1.0".equals(head.version) && !head.connectionKeepAlive;
        if (closing && c.closeAnnouncedBy == null) {
            c.closeAnnouncedAt = e.index;
            c.closeAnnouncedBy = "response " + e.index;
        }
    }

    @Override
    public void bodyAfterHead() {
        HttpExchange e = responding;
        if (e != null && e.responseHeadNanos != 0L) {
            e.responseBodyWaitNanos = c.now(false) - e.responseHeadNanos;
        }
    }

    @Override
    public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
        c.responsesEnded = responseIndex;
        HttpExchange e = responding;
        if (e != null && e == upgradedToHttp2) {
            responding = null;
            leaveToHttp2(e);
            return;
        }
        boolean leftUnread = !complete && c.responseLeftUnread;
        if (complete) {
            c.responses++;
        } else if (leftUnread) {
            c.leftUnread++;
        } else {
            c.truncated++;
        }
        if (e != null) {
            responding = null;
            e.responseComplete = complete;
            e.failure = complete ? null : leftUnread ? HttpExchange.LEFT_UNREAD : "truncated_response";
            e.responseBodyBytes = bodyBytes;
            e.responseDeclaredBytes = declaredBodyBytes;
            e.responseEndNanos = c.now(false);
            c.halfDone(e);
        }
    }

    /**
     * Not a response: the request's answer comes on HTTP/2 stream 1. Once per h2c upgrade. When the
     * 101 was read before the writer's hook saw the request, the exchange stays for the request side to
     * find, as with any response read first.
     */
    private void leaveToHttp2(HttpExchange e) {
        if (e.requestHead != null) {
            c.forget(e);
        }
    }

    @Override
    public boolean switchProtocols(HttpHead head) {
        if (upgradedToHttp2 != null) {
            Http2Session s = c.http2Session(Http2Session.H2C_UPGRADE);
            s.upgradeRequest(upgradedToHttp2);
            upgradedToHttp2 = null;
            switched = s;
            return true;
        }
        if (upgraded == null) {
            return false;
        }
        c.webSocket = upgraded;
        switched = upgraded;
        return true;
    }

    @Override
    public boolean http2Frames(boolean settings) {
        if (!settings && c.http2 == null) {
            return false;
        }
        switched = c.http2Session(Http2Session.PRIOR_KNOWLEDGE);
        return true;
    }

    @Override
    public void switchedBytes(Object data, int from, int len) {
        switched.feed(false, data, from, len);
    }

    @Override
    public void opaque(String reason) {
        if (c.seenHttp) {
            c.stopped(reason);
        }
    }

    @Override
    public void malformed(String reason) {
        c.malformed(false, responding != null ? responseIndex : responseIndex + 1, reason);
    }
}
