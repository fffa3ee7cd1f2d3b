package io.connscope.agent.http;

import java.util.Arrays;

/**
 * The bytes of one HTTP/1.x message head in flight, up to {@link Http1Stream#MAX_HEAD}: the one
 * thing the HTTP/1.x analysis copies. Its room is taken from the connection's share of the
 * {@link AnalysisMemory analysis budget} as it grows (256 bytes, then doubling), and given back
 * when the head is parsed or dropped, so an idle keep-alive connection holds nothing.
 */
final class HeadBuffer {

    private final AnalysisMemory.Lease memory;
    private byte[] bytes;
    private int length;

    HeadBuffer(AnalysisMemory.Lease memory) {
        this.memory = memory;
    }

    int length() {
        return length;
    }

    /** Capacity held now, for tests of the memory bound. */
    int capacity() {
        return bytes == null ? 0 : bytes.length;
    }

    /** Appends one byte; false when the budget refused the room (nothing was appended). */
    boolean append(byte c) {
        if (!ensureCapacity(length + 1)) {
            return false;
        }
        bytes[length++] = c;
        return true;
    }

    /**
     * Appends {@code n} bytes of a {@code byte[]} or {@code ByteBuffer} (absolute reads), which fit
     * under the head limit; false when the budget refused the room (nothing was appended).
     */
    boolean append(Object data, int from, int n) {
        if (!ensureCapacity(length + n)) {
            return false;
        }
        WireBytes.copy(data, from, bytes, length, n);
        length += n;
        return true;
    }

    /** The head ends at an empty line: "\r\n\r\n", or "\n\n" from lenient peers. */
    boolean endsWithBlankLine() {
        int n = length;
        if (n >= 2 && bytes[n - 2] == '\n') {
            return true;
        }
        return n >= 3 && bytes[n - 2] == '\r' && bytes[n - 3] == '\n';
    }

    /** The head is exactly this ASCII text. */
    boolean is(String ascii) {
        if (length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    HeadParser.Result parse(boolean request) {
        return HeadParser.parse(bytes, length, request);
    }

    /** Lets the bytes go, and gives their room back to the budget. */
    void drop() {
        byte[] b = bytes;
        if (b != null) {
            bytes = null;
            memory.release(b.length);
        }
        length = 0;
    }

    private boolean ensureCapacity(int needed) {
        int size = bytes == null ? 0 : bytes.length;
        if (needed <= size) {
            return true;
        }
        int grown = Math.max(256, size);
        while (grown < needed) {
            grown *= 2;
        }
        grown = Math.min(grown, Http1Stream.MAX_HEAD);
        if (!memory.reserve(grown - size)) {
            return false;
        }
        bytes = bytes == null ? new byte[grown] : Arrays.copyOf(bytes, grown);
        return true;
    }
}
