package io.connscope.agent.http;

import java.nio.ByteBuffer;

/**
 * The bytes a hook hands over, a {@code byte[]} or a {@link ByteBuffer} read by absolute index (its
 * position is left alone), as the HTTP analysis reads them.
 */
final class WireBytes {

    private WireBytes() {
    }

    static byte at(Object data, int i) {
        return data instanceof byte[] ? ((byte[]) data)[i] : ((ByteBuffer) data).get(i);
    }

    /** Copies {@code n} bytes from index {@code from} of the data to {@code to[at..]}. */
    static void copy(Object data, int from, byte[] to, int at, int n) {
        if (data instanceof byte[]) {
            System.arraycopy((byte[]) data, from, to, at, n);
        } else {
            ByteBuffer b = (ByteBuffer) data;
            for (int k = 0; k < n; k++) {
                to[at + k] = b.get(from + k);
            }
        }
    }
}
