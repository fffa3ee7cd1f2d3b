package io.connscope.agent.http;

import static io.connscope.agent.wire.WireBytes.at;

import io.connscope.agent.text.SafeText;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP/2 frames (RFC 9113 §4, §6) of one direction of a connection, read incrementally from
 * whatever pieces the I/O hands over. DATA payloads are counted and skipped; header blocks are
 * copied, bounded, until complete, then decoded; control frames are read into a fixed register.
 * A violation of the framing stops this direction: its bytes are then only counted.
 */
final class Http2Frames {

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PUSH_PROMISE = 5;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY = 0x20;

    static final int MAX_HEADER_BLOCK = 64 * 1024;
    /** What follows "PRI * HTTP/2.0\r\n\r\n" in the client connection preface. */
    private static final byte[] PREFACE_TAIL = {'S', 'M', '\r', '\n', '\r', '\n'};

    // Where in a frame the next byte belongs.
    private static final int FRAME_HEADER = 0;
    private static final int PAD_LENGTH = 1;
    private static final int BEFORE_CONTENT = 2;
    private static final int CONTENT = 3;
    private static final int PADDING = 4;
    private static final int FAILED = 5;

    private final Http2Session session;
    private final boolean requests;
    private final HpackDecoder hpack;
    private final AnalysisMemory.Lease memory;

    private int prefaceLeft;
    private int part = FRAME_HEADER;
    private final byte[] header = new byte[9];
    private int headerRead;
    private int type;
    private int flags;
    private int streamId;
    /** Bytes of the current part still to come. */
    private int partLeft;
    private int contentLength;
    /** The frame's whole payload length, padding included: what flow control counts of a DATA frame. */
    private int frameLength;
    private int padLength;
    /** Up to the first 8 content bytes of a control frame, big-endian. */
    private long register;
    private int registerBytes;
    /** A GOAWAY's debug data, its first bytes: gRPC says why there ("too_many_pings", "max_age"). */
    private byte[] goawayDebug;
    private int goawayDebugLength;

    // The header block being collected: HEADERS or PUSH_PROMISE, then CONTINUATION frames.
    private byte[] block;
    private int blockLength;
    private boolean blockTooLarge;
    private int blockStreamId;
    private boolean blockEndStream;
    private boolean blockIsPush;
    private boolean continuationExpected;
    private volatile String failure;

    Http2Frames(Http2Session session, boolean requests, AnalysisMemory.Lease memory) {
        this.session = session;
        this.requests = requests;
        this.memory = memory;
        this.hpack = new HpackDecoder(memory);
    }

    /** The connection ended: the block buffer and the HPACK table are let go. */
    void end() {
        dropBlock();
        hpack.end();
    }

    /** The client connection preface's first line was read elsewhere: "SM\r\n\r\n" comes next. */
    void expectPrefaceTail() {
        prefaceLeft = PREFACE_TAIL.length;
    }

    String failure() {
        return failure;
    }

    String hpackFailure() {
        return hpack.failure();
    }

    /** Feeds {@code len} bytes of the data (see {@link WireBytes}) from index {@code off}. */
    void feed(Object data, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && part != FAILED) {
            if (prefaceLeft > 0) {
                if (at(data, i) != PREFACE_TAIL[PREFACE_TAIL.length - prefaceLeft]) {
                    fail("invalid connection preface");
                    return;
                }
                prefaceLeft--;
                i++;
                continue;
            }
            switch (part) {
                case FRAME_HEADER:
                    header[headerRead++] = at(data, i++);
                    if (headerRead == header.length) {
                        frameStart();
                    }
                    break;
                case PAD_LENGTH:
                    padLength = at(data, i++) & 0xFF;
                    contentLength -= 1 + padLength;
                    if (contentLength < 0) {
                        fail("padding longer than its frame");
                        return;
                    }
                    enterContent();
                    break;
                case BEFORE_CONTENT:
                case PADDING: {
                    int take = Math.min(partLeft, end - i);
                    partLeft -= take;
                    i += take;
                    if (partLeft == 0) {
                        if (part == BEFORE_CONTENT) {
                            contentLength -= type == PUSH_PROMISE ? 4 : 5;
                            part = CONTENT;
                            partLeft = contentLength;
                            nextPartIfDone();
                        } else {
                            frameEnd();
                        }
                    }
                    break;
                }
                default: { // CONTENT
                    int take = Math.min(partLeft, end - i);
                    content(data, i, take);
                    partLeft -= take;
                    i += take;
                    nextPartIfDone();
                    break;
                }
            }
        }
    }

    /**
     * The bytes start with a whole SETTINGS frame header on stream 0 (RFC 9113 §3.4: a server's first
     * frame), for a few settings at most: what a server's first bytes look like, and random bytes
     * starting with 0 do not.
     */
    static boolean startsWithSettings(Object data, int i, int end) {
        if (end - i < 9) {
            return false;
        }
        int length = (at(data, i) & 0xFF) << 16 | (at(data, i + 1) & 0xFF) << 8 | at(data, i + 2) & 0xFF;
        int flags = at(data, i + 4) & 0xFF;
        return at(data, i + 3) == SETTINGS && (flags & ~ACK) == 0 && length % 6 == 0 && length <= 6 * 16
            && (flags == 0 || length == 0)
            && (at(data, i + 5) | at(data, i + 6) | at(data, i + 7) | at(data, i + 8)) == 0;
    }

    private void frameStart() {
        headerRead = 0;
        int length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | header[2] & 0xFF;
        type = header[3] & 0xFF;
        flags = header[4] & 0xFF;
        streamId = (header[5] & 0x7F) << 24 | (header[6] & 0xFF) << 16 | (header[7] & 0xFF) << 8 | header[8] & 0xFF;
        if (continuationExpected != (type == CONTINUATION)) {
            fail(continuationExpected ? "a header block interrupted by another frame" : "CONTINUATION without a header block");
            return;
        }
        contentLength = length;
        frameLength = length;
        padLength = 0;
        register = 0;
        registerBytes = 0;
        goawayDebugLength = 0;
        boolean padded = (flags & PADDED) != 0 && (type == DATA || type == HEADERS || type == PUSH_PROMISE);
        if (padded && length > 0) {
            part = PAD_LENGTH;
        } else if (padded) {
            fail("padded frame without a pad length");
        } else {
            enterContent();
        }
    }

    /** After the pad length (if any): the priority fields or promised stream id, then the content. */
    private void enterContent() {
        int before = type == HEADERS && (flags & PRIORITY) != 0 ? 5 : type == PUSH_PROMISE ? 4 : 0;
        if (before > contentLength) {
            fail("frame too short for its fields");
            return;
        }
        if (before > 0) {
            part = BEFORE_CONTENT;
            partLeft = before;
            return;
        }
        part = CONTENT;
        partLeft = contentLength;
        nextPartIfDone();
    }

    private void nextPartIfDone() {
        if (part == CONTENT && partLeft == 0) {
            if (padLength > 0) {
                part = PADDING;
                partLeft = padLength;
            } else {
                frameEnd();
            }
        }
    }

    private void content(Object data, int from, int n) {
        if (n == 0) {
            return;
        }
        switch (type) {
            case DATA:
                session.data(requests, streamId, data, from, n);
                break;
            case HEADERS:
            case PUSH_PROMISE:
            case CONTINUATION:
                appendBlock(data, from, n);
                break;
            case SETTINGS:
                for (int k = 0; k < n; k++) {
                    register = register << 8 | at(data, from + k) & 0xFF;
                    if (++registerBytes == 6) {
                        session.setting(requests, (int) (register >>> 32) & 0xFFFF, register & 0xFFFFFFFFL);
                        register = 0;
                        registerBytes = 0;
                    }
                }
                break;
            case GOAWAY: // the last stream id and error code, then the debug data's first bytes
                for (int k = 0; k < n; k++) {
                    byte b = at(data, from + k);
                    if (registerBytes < 8) {
                        register = register << 8 | b & 0xFF;
                        registerBytes++;
                    } else if (goawayDebugLength < Http2Goaway.MAX_DEBUG) {
                        goawayDebugBuffer()[goawayDebugLength++] = b;
                    }
                }
                break;
            default: // RST_STREAM, PING, WINDOW_UPDATE, PRIORITY, extensions: the first 8 bytes at most
                for (int k = 0; k < n && registerBytes < 8; k++) {
                    register = register << 8 | at(data, from + k) & 0xFF;
                    registerBytes++;
                }
                break;
        }
    }

    private void frameEnd() {
        part = FRAME_HEADER;
        long now = System.nanoTime();
        switch (type) {
            case DATA:
                session.dataFrame(requests, streamId, frameLength, (flags & END_STREAM) != 0, now);
                if ((flags & END_STREAM) != 0) {
                    session.endStream(requests, streamId, now);
                }
                break;
            case WINDOW_UPDATE:
                if (registerBytes == 4) {
                    session.windowUpdate(requests, streamId, register & 0x7FFFFFFFL, now);
                }
                break;
            case HEADERS:
            case PUSH_PROMISE:
                blockStreamId = streamId;
                blockEndStream = type == HEADERS && (flags & END_STREAM) != 0;
                blockIsPush = type == PUSH_PROMISE;
                if (blockIsPush) {
                    session.pushPromise();
                }
                headerFrameEnd(now);
                break;
            case CONTINUATION:
                headerFrameEnd(now);
                break;
            case RST_STREAM:
                session.reset(requests, streamId, register & 0xFFFFFFFFL, now);
                break;
            case GOAWAY:
                session.goaway(requests, register >>> 32 & 0x7FFFFFFF, register & 0xFFFFFFFFL, goawayDebugText(), now);
                break;
            case PING:
                session.ping(requests, (flags & ACK) != 0, register, now);
                break;
            default:
                break;
        }
    }

    private void headerFrameEnd(long now) {
        continuationExpected = (flags & END_HEADERS) == 0;
        if (continuationExpected) {
            return;
        }
        HpackDecoder.Fields fields = null;
        if (blockTooLarge) {
            hpack.fail("a header block over " + MAX_HEADER_BLOCK + " bytes");
        } else if (hpack.failure() == null) {
            fields = hpack.decode(block == null ? new byte[0] : block, 0, blockLength);
        }
        blockLength = 0;
        blockTooLarge = false;
        dropBlock(); // an idle connection holds no buffer, and nothing of the budget beyond its HPACK tables
        if (!blockIsPush) {
            session.headers(requests, blockStreamId, blockEndStream, fields, now);
        }
    }

    /** Once per direction that sends a GOAWAY with debug data. */
    private byte[] goawayDebugBuffer() {
        if (goawayDebug == null) {
            goawayDebug = new byte[Http2Goaway.MAX_DEBUG];
        }
        return goawayDebug;
    }

    /** Once per GOAWAY: its debug data as text, escaped, or null when it had none. */
    private String goawayDebugText() {
        return goawayDebugLength == 0 ? null
            : SafeText.of(new String(goawayDebug, 0, goawayDebugLength, StandardCharsets.ISO_8859_1), Http2Goaway.MAX_DEBUG);
    }

    /** Copies header block bytes: the message head in flight, the one thing that is copied. */
    private void appendBlock(Object data, int from, int n) {
        if (blockTooLarge || hpack.failure() != null) {
            return;
        }
        if (blockLength + n > MAX_HEADER_BLOCK) {
            blockTooLarge = true;
            return;
        }
        if (block == null || blockLength + n > block.length) {
            int size = Math.min(MAX_HEADER_BLOCK, Math.max(256, Integer.highestOneBit(blockLength + n) * 2));
            if (!memory.reserve(size - (block == null ? 0 : block.length))) {
                hpack.fail(AnalysisMemory.SPENT); // the table is out of step from here on
                dropBlock();
                return;
            }
            byte[] bigger = new byte[size];
            if (block != null) {
                System.arraycopy(block, 0, bigger, 0, blockLength);
            }
            block = bigger;
        }
        WireBytes.copy(data, from, block, blockLength, n);
        blockLength += n;
    }

    private void fail(String reason) {
        failure = reason;
        part = FAILED;
        dropBlock();
    }

    private void dropBlock() {
        byte[] b = block;
        if (b != null) {
            block = null;
            memory.release(b.length);
        }
    }
}
