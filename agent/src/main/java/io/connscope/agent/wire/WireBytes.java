package io.connscope.agent.wire;

import java.nio.ByteBuffer;

/**
 * The one view of the bytes a hook hands over, converted at the boundary (WireAnalysis): a
 * {@code byte[]} with an offset, or a {@link ByteBuffer} with an absolute index (its position is
 * left alone). Every analyser reads them through here, so none has a byte[] and a ByteBuffer twin of
 * the same method.
 */
public final class WireBytes {

    private WireBytes() {
    }

    public static byte at(Object data, int i) {
        return data instanceof byte[] ? ((byte[]) data)[i] : ((ByteBuffer) data).get(i);
    }

    /** Copies {@code n} bytes from index {@code from} of the data to {@code to[at..]}. */
    public static void copy(Object data, int from, byte[] to, int at, int n) {
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
