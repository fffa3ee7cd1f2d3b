package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;

final class Drain {

    private Drain() {
    }

    /** Reads to the end of the stream, which for HttpURLConnection returns the connection to its cache. */
    static void fully(InputStream in, byte[] buffer) throws IOException {
        while (in.read(buffer) >= 0) {
            // body bytes are discarded
        }
    }

    /** Reads exactly buffer.length bytes. */
    static void exactly(InputStream in, byte[] buffer) throws IOException {
        int off = 0;
        while (off < buffer.length) {
            int n = in.read(buffer, off, buffer.length - off);
            if (n < 0) {
                throw new IOException("connection closed after " + off + " of " + buffer.length + " bytes");
            }
            off += n;
        }
    }
}
