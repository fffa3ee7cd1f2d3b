package io.connscope.agent.http;

import static io.connscope.agent.wire.WireBytes.at;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireBytes;
import java.nio.ByteBuffer;

/**
 * One direction of an HTTP/1.x connection, read incrementally. Only message heads (and chunk-size
 * lines) are looked at. A head that arrives whole in one read or write (most do) is parsed where it
 * is; one split across them is collected a line at a time into a buffer bounded to {@link #MAX_HEAD}.
 * Bodies are skipped by count and never copied. The result does not depend on how the stream is split
 * into calls. Bytes come as a {@code byte[]} or a {@link ByteBuffer} (absolute reads, the buffer's
 * position is left alone).
 */
public final class Http1Stream {

    public static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_METHOD = 20;

    private static final int DETECT = 0;
    private static final int HEAD = 1;
    private static final int BODY_LENGTH = 2;
    /** A chunked body's lines: sizes, the CRLF after data, trailers (see {@link ChunkLines}). */
    private static final int CHUNK_LINES = 3;
    private static final int CHUNK_DATA = 4;
    private static final int BODY_UNTIL_CLOSE = 5;
    private static final int OPAQUE = 6;
    /** After a 101 whose new protocol the events follow: every later byte is theirs. */
    private static final int SWITCHED = 7;
    /** The HTTP/2 client connection preface up to its blank line, as this parser sees a head. */
    private static final String HTTP2_PREFACE_HEAD = "PRI * HTTP/2.0\r\n\r\n";

    private final boolean requests;
    private final Http1Events events;
    private final HeadBuffer head;

    private int state = DETECT;
    /** Made at the first chunked body: most connections never see one, and every idle connection keeps this stream. */
    private ChunkLines chunks;
    private long remaining;
    private long body;
    private long declared = -1;
    private boolean seenMessage;
    /** The last feed ended with a message head, and its body has not begun. */
    private boolean bodyAwaited;

    public Http1Stream(boolean requests, Http1Events events, AnalysisMemory.Lease memory) {
        this.requests = requests;
        this.events = events;
        this.head = new HeadBuffer(memory);
    }

    /** Capacity of the head buffer, for tests of the memory bound. */
    int headCapacity() {
        return head.capacity();
    }

    /** True once the stream is known not to be (or no longer) HTTP/1.x: the caller may stop feeding it. */
    public boolean isOpaque() {
        return state == OPAQUE;
    }

    /** Feeds {@code len} bytes of the data (see {@link WireBytes}) from index {@code off}. */
    public void feed(Object data, int off, int len) {
        int i = off;
        int end = off + len;
        if (bodyAwaited && len > 0) {
            bodyAwaited = false;
            events.bodyAfterHead();
        }
        while (i < end && state != OPAQUE) {
            switch (state) {
                case SWITCHED:
                    events.switchedBytes(data, i, end - i);
                    i = end;
                    break;
                case BODY_LENGTH:
                case CHUNK_DATA: {
                    int take = (int) Math.min(remaining, end - i);
                    if (take <= 0) {
                        opaque("internal framing error"); // never spin on the host's I/O thread
                        break;
                    }
                    remaining -= take;
                    body += take;
                    i += take;
                    if (remaining == 0) {
                        if (state == BODY_LENGTH) {
                            endMessage(true);
                        } else {
                            state = CHUNK_LINES;
                            chunks.dataSkipped();
                        }
                    }
                    break;
                }
                case BODY_UNTIL_CLOSE:
                    body += end - i;
                    i = end;
                    break;
                case HEAD:
                    i = headLine(data, i, end);
                    bodyAwaited = i == end && awaitingBody();
                    break;
                default:
                    if (state == DETECT && !requests && !seenMessage && head.length() == 0 && at(data, i) == 0
                        && events.http2Frames(Http2Frames.startsWithSettings(data, i, end))) {
                        state = SWITCHED;
                        break;
                    }
                    int stop = state == DETECT && head.length() == 0 ? headAtStart(data, i, end) : -1;
                    if (stop >= 0) {
                        i = stop;
                        bodyAwaited = i == end && awaitingBody();
                        break;
                    }
                    step(at(data, i));
                    i++;
                    break;
            }
        }
        if (head.length() > 0 && state != OPAQUE && !head.hold()) {
            budgetSpent(); // a head kept between calls is what the budget bounds
        }
    }

    /** The analysis was abandoned: nothing in flight is settled, and the head buffer is let go. */
    void abandon() {
        stopReading();
    }

    /**
     * The connection ended: a close-delimited body is complete, anything else in flight is not, and a
     * head cut short is let go. When the reader {@code leftUnread} input at the end, no body in flight
     * ended: a close-delimited one neither.
     */
    public void end(boolean leftUnread) {
        head.drop();
        if (state == BODY_UNTIL_CLOSE && !leftUnread) {
            endMessage(true);
        } else if (state == BODY_UNTIL_CLOSE) {
            events.messageEnd(body, -1, false);
            state = DETECT;
        } else if (state == BODY_LENGTH || state == CHUNK_LINES || state == CHUNK_DATA) {
            events.messageEnd(body, declared, false);
            state = DETECT;
        }
    }

    private boolean awaitingBody() {
        return state == BODY_LENGTH || state == CHUNK_LINES || state == BODY_UNTIL_CLOSE;
    }

    /**
     * A message that starts at {@code from} with its whole head in these bytes, begun as a head must
     * be (a method and a space, or "HTTP/"): read where it is, with no copy. Returns where it stopped,
     * or -1 when the head is not whole here or begins otherwise: it is then taken byte by byte, which
     * says what is wrong with it.
     */
    private int headAtStart(Object data, int from, int end) {
        byte[] b = HeadScan.array(data);
        if (b == null || !head.admitsNew()) {
            return -1;
        }
        int base = HeadScan.base(data);
        int start = base + from;
        int limit = base + Math.min(end, from + MAX_HEAD);
        int line = requests ? HeadScan.afterMethod(b, start, limit) : HeadScan.afterHttpSlash(b, start, limit);
        int stop = line < 0 ? -1 : HeadScan.headEnd(b, start, line, limit);
        if (stop < 0) {
            return -1;
        }
        events.messageStart();
        completeHead(b, start, stop);
        return stop - base;
    }

    /**
     * Takes head bytes up to and including the next line feed in one copy, rather than byte by byte:
     * a head that did not arrive whole is collected so. Returns where it stopped.
     */
    private int headLine(Object data, int from, int end) {
        int lf = HeadScan.lineFeed(data, from, end);
        int upTo = lf < 0 ? end : lf + 1;
        if (upTo - from > MAX_HEAD - head.length()) {
            malformed("message head larger than " + MAX_HEAD + " bytes");
            return end;
        }
        if (!head.append(data, from, upTo - from)) {
            budgetSpent();
            return end;
        }
        if (lf >= 0 && head.endsWithBlankLine()) {
            completeHead();
        }
        return upTo;
    }

    /** The budget refused the head room: this connection is followed as TCP from here on. */
    private void budgetSpent() {
        stopReading();
        events.opaque(AnalysisMemory.SPENT);
    }

    private void step(byte c) {
        switch (state) {
            case DETECT:
                detect(c);
                break;
            case CHUNK_LINES:
                chunkLine(c);
                break;
            default:
                break;
        }
    }

    /** The first bytes of a message must look like a method token and a space, or "HTTP/". */
    private void detect(byte c) {
        if (head.length() == 0 && (c == '\r' || c == '\n') && seenMessage && requests) {
            return; // RFC 9112 §2.2: tolerate empty lines before a request-line
        }
        if (!head.append(c)) { // at most MAX_METHOD + 1 bytes are detected
            budgetSpent();
            return;
        }
        int headLength = head.length();
        if (headLength == 1) {
            events.messageStart();
        }
        if (state != HEAD && state != DETECT) {
            return;
        }
        if (requests) {
            if (c == ' ') {
                if (headLength > 1) {
                    state = HEAD;
                } else {
                    badStart("no request method");
                }
            } else if (!HeadParser.isTokenChar(c) || headLength > MAX_METHOD) {
                badStart("malformed request line");
            }
        } else {
            if (c != "HTTP/".charAt(headLength - 1)) {
                badStart("malformed status line");
            } else if (headLength == 5) {
                state = HEAD;
            }
        }
    }

    /** A message that does not start as HTTP: malformed after HTTP was seen here, else not HTTP at all. */
    private void badStart(String reason) {
        if (seenMessage) {
            malformed(reason);
        } else {
            opaque("not HTTP");
        }
    }

    /** The head collected in the buffer is complete. */
    private void completeHead() {
        boolean preface = requests && head.is(HTTP2_PREFACE_HEAD);
        Object parsed = preface ? null : head.parse(requests);
        // An idle keep-alive connection holds no buffer: thousands of them are common.
        head.drop();
        headParsed(preface, parsed);
    }

    /** A head that arrived whole, in {@code b[from..to)}, is read there. */
    private void completeHead(byte[] b, int from, int to) {
        boolean preface = requests && HeadScan.is(b, from, to, HTTP2_PREFACE_HEAD);
        Object parsed = preface ? null : HeadParser.parse(b, from, to, requests);
        head.drop(); // its first bytes, kept while its start was told
        headParsed(preface, parsed);
    }

    private void headParsed(boolean preface, Object parsed) {
        // The preface starts the connection (prior knowledge, ALPN) or follows an h2c upgrade request.
        if (preface) {
            seenMessage = true;
            if (events.http2Preface()) {
                state = SWITCHED;
            } else {
                opaque("HTTP/2");
            }
            return;
        }
        if (!(parsed instanceof HttpHead)) {
            malformed((String) parsed);
            return;
        }
        HttpHead h = (HttpHead) parsed;
        seenMessage = true;
        body = 0;
        if (requests) {
            events.head(h);
            frameBody(h, false);
            return;
        }
        if (h.status >= 100 && h.status < 200 && h.status != 101) {
            events.head(h);
            state = DETECT; // interim response: the final one follows for the same request
            return;
        }
        String method = events.nextAwaitingResponse();
        events.head(h);
        if (h.status == 101) {
            declared = 0;
            endMessage(true);
            if (events.switchProtocols(h)) {
                state = SWITCHED;
            } else {
                opaque("switched protocols" + (h.upgrade == null ? "" : " to " + h.upgrade));
            }
        } else if ("CONNECT".equals(method) && h.status >= 200 && h.status < 300) {
            declared = 0;
            endMessage(true);
            opaque("CONNECT tunnel");
        } else {
            frameBody(h, "HEAD".equals(method) || h.status == 204 || h.status == 304);
        }
    }

    private void frameBody(HttpHead h, boolean noBody) {
        declared = noBody ? 0 : h.contentLength;
        if (noBody) {
            endMessage(true);
        } else if (h.chunked) {
            state = CHUNK_LINES;
            if (chunks == null) {
                chunks = new ChunkLines();
            }
            chunks.start();
        } else if (h.contentLength > 0) {
            state = BODY_LENGTH;
            remaining = h.contentLength;
        } else if (h.contentLength == 0 || requests) {
            endMessage(true); // a request without length has no body (RFC 9112 §6.3)
        } else {
            state = BODY_UNTIL_CLOSE;
        }
    }

    private void chunkLine(byte c) {
        switch (chunks.step(c)) {
            case ChunkLines.DATA:
                remaining = chunks.size();
                state = CHUNK_DATA;
                break;
            case ChunkLines.DONE:
                endMessage(true);
                break;
            case ChunkLines.BROKEN:
                malformed(chunks.violation());
                break;
            default:
                break;
        }
    }

    private void endMessage(boolean complete) {
        events.messageEnd(body, declared, complete);
        body = 0;
        declared = -1;
        state = DETECT;
    }

    private void opaque(String reason) {
        stopReading();
        events.opaque(reason);
    }

    private void malformed(String reason) {
        stopReading();
        events.malformed(reason);
    }

    private void stopReading() {
        state = OPAQUE;
        head.drop();
    }
}
