package io.connscope.agent.http;

import java.nio.ByteBuffer;

/**
 * Finds where message heads and their lines end in the bytes of a read or write, so that a head that
 * arrived whole is parsed where it is (see {@link Http1Stream}), and only a head split across reads
 * or writes is collected in a {@link HeadBuffer}.
 */
final class HeadScan {

    private HeadScan() {
    }

    /** The array behind the data: a {@code byte[]} itself, a heap buffer's; null for a direct buffer. */
    static byte[] array(Object data) {
        if (data instanceof byte[]) {
            return (byte[]) data;
        }
        ByteBuffer b = (ByteBuffer) data;
        return b.hasArray() ? b.array() : null;
    }

    /** Where index 0 of the data is in {@link #array}: 0 for a {@code byte[]}, a heap buffer's array offset. */
    static int base(Object data) {
        return data instanceof byte[] ? 0 : ((ByteBuffer) data).arrayOffset();
    }

    /**
     * The end of the head begun at {@code start} (just after its blank line), looking at the line feeds
     * from {@code from} (the head's earlier bytes hold none) to before {@code limit}; -1 when none of
     * them ends it. The head ends at the first line feed that follows a line feed, or a line feed and a
     * carriage return: "\r\n\r\n", or "\n\n" from lenient peers. A head collected in a
     * {@link HeadBuffer} is judged by the same rule.
     */
    static int headEnd(byte[] b, int start, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] == '\n' && i - 1 >= start && (b[i - 1] == '\n' || b[i - 1] == '\r' && i - 2 >= start && b[i - 2] == '\n')) {
                return i + 1;
            }
        }
        return -1;
    }

    /** After a request's method and its space at {@code start}: where its target begins; -1 if it does not begin so. */
    static int afterMethod(byte[] b, int start, int limit) {
        int end = Math.min(limit, start + HeadParser.MAX_METHOD + 1);
        for (int i = start; i < end; i++) {
            if (b[i] == ' ') {
                return i > start ? i + 1 : -1;
            }
            if (!HeadParser.isTokenChar(b[i])) {
                return -1;
            }
        }
        return -1;
    }

    /** After the "HTTP/" that begins a response at {@code start}; -1 if it does not begin so. */
    static int afterHttpSlash(byte[] b, int start, int limit) {
        return limit - start >= 5 && is(b, start, start + 5, "HTTP/") ? start + 5 : -1;
    }

    /** The index of the first line feed in the data from {@code from} to before {@code end}, or -1. */
    static int lineFeed(Object data, int from, int end) {
        if (data instanceof byte[]) {
            byte[] b = (byte[]) data;
            for (int i = from; i < end; i++) {
                if (b[i] == '\n') {
                    return i;
                }
            }
        } else {
            ByteBuffer b = (ByteBuffer) data;
            for (int i = from; i < end; i++) {
                if (b.get(i) == '\n') {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@code b[from..to)} is exactly this ASCII text. */
    static boolean is(byte[] b, int from, int to, String ascii) {
        if (to - from != ascii.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (b[i] != ascii.charAt(i - from)) {
                return false;
            }
        }
        return true;
    }
}
