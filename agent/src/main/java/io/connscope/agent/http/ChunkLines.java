package io.connscope.agent.http;

/**
 * The lines of a chunked body (RFC 9112 §7.1), read a byte at a time: each chunk-size line (with
 * its extensions), the CRLF after each chunk's data, and the trailer section after the last chunk.
 * The chunks' data is not read here: {@link Http1Stream} skips it by count. Bounded: a chunk-size
 * line may have {@value #MAX_LINE} bytes, the trailer section {@link Http1Stream#MAX_HEAD}.
 */
final class ChunkLines {

    /** What a byte led to. */
    static final int MORE = 0;
    /** A chunk-size line ended: {@link #size()} bytes of data follow. */
    static final int DATA = 1;
    /** The last chunk's trailer section ended: the body is complete. */
    static final int DONE = 2;
    /** The framing is broken: {@link #violation()} says how. */
    static final int BROKEN = 3;

    private static final int MAX_LINE = 1024;
    private static final int SIZE = 0;
    private static final int EXTENSION = 1;
    private static final int DATA_END = 2;
    private static final int TRAILERS = 3;

    private int part;
    private int lineLength;
    private long size;
    private int trailerBytes;
    private int trailerLineLength;
    private String violation;

    /** A chunk-size line comes next: the body starts. */
    void start() {
        part = SIZE;
        lineLength = 0;
        size = 0;
    }

    /** A chunk's data was skipped: its CRLF comes next. */
    void dataSkipped() {
        part = DATA_END;
    }

    /** The size of the chunk whose data follows. */
    long size() {
        return size;
    }

    String violation() {
        return violation;
    }

    int step(byte c) {
        switch (part) {
            case SIZE:
                return sizeLine(c);
            case EXTENSION:
                if (++lineLength > MAX_LINE) {
                    return broken("chunk-size line too long");
                }
                return c == '\n' ? chunkStarts() : MORE;
            case DATA_END:
                if (c == '\n') {
                    start();
                    return MORE;
                }
                return c == '\r' ? MORE : broken("chunk data not followed by CRLF");
            default:
                return trailer(c);
        }
    }

    private int sizeLine(byte c) {
        if (++lineLength > MAX_LINE) {
            return broken("chunk-size line too long");
        }
        int digit = Character.digit(c, 16);
        if (digit >= 0) {
            if (size > (Long.MAX_VALUE >> 4)) {
                return broken("chunk size too large");
            }
            size = size * 16 + digit;
        } else if (c == ';' || c == ' ' || c == '\t') {
            part = EXTENSION;
        } else if (c == '\n') {
            return chunkStarts();
        } else if (c != '\r') {
            return broken("malformed chunk size");
        }
        return MORE;
    }

    /** The size line ended: data follows, or after the last (empty) chunk the trailer section. */
    private int chunkStarts() {
        if (size > 0) {
            return DATA;
        }
        part = TRAILERS;
        trailerBytes = 0;
        trailerLineLength = 0;
        return MORE;
    }

    private int trailer(byte c) {
        if (++trailerBytes > Http1Stream.MAX_HEAD) {
            return broken("trailer section larger than " + Http1Stream.MAX_HEAD + " bytes");
        }
        if (c == '\n') {
            boolean empty = trailerLineLength == 0;
            trailerLineLength = 0;
            return empty ? DONE : MORE;
        }
        if (c != '\r') {
            trailerLineLength++;
        }
        return MORE;
    }

    private int broken(String why) {
        violation = why;
        return BROKEN;
    }
}
