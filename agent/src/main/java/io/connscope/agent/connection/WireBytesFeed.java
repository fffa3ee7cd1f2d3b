package io.connscope.agent.connection;

import io.connscope.agent.instrument.NativeMemory;
import java.nio.ByteBuffer;

/**
 * The bytes of a read or write, on their way to analysis: a connection's first bytes toward the
 * server are looked at for a TLS ClientHello ({@link EngineTls}), the rest go to its HTTP analysis.
 * Bytes in native memory (Netty's native transports) are copied piece by piece first.
 */
final class WireBytesFeed {

    private final WireAnalysis http;
    private final EngineTls engineTls;

    WireBytesFeed(WireAnalysis http, EngineTls engineTls) {
        this.http = http;
        this.engineTls = engineTls;
    }

    /**
     * The first bytes toward the server: a TLS ClientHello means the connection carries ciphertext,
     * encrypted by an SSLEngine (an SSLSocket is followed by its own hooks), whose plaintext is
     * analysed from then on. Otherwise the bytes go to the HTTP analysis.
     */
    void bytes(ConnectionRecord r, Object key, boolean requests, Object data, int offset, long n, long nanos) {
        if (requests && !r.firstRequestBytesSeen && engineTls.firstRequestBytes(r, key, data, offset, n)) {
            return;
        }
        http.feed(r, requests, data, offset, n, nanos, true);
    }

    /** A gathering write: {@code n} bytes in order from each buffer's position on. */
    void gathered(ConnectionRecord r, Object key, boolean requests, Object[] buffers, int offset, long n, long nanos) {
        long left = n;
        for (int i = offset; i < buffers.length && left > 0 && !r.tls().plaintext; i++) {
            if (buffers[i] instanceof ByteBuffer) {
                ByteBuffer b = (ByteBuffer) buffers[i];
                int take = (int) Math.min(b.remaining(), left);
                if (take > 0) {
                    bytes(r, key, requests, b, b.position(), take, nanos);
                    left -= take;
                }
            }
        }
    }

    /**
     * Bytes in native memory, at {@code address} or gathered from {@code iovecs} entries there: copied
     * piece by piece into this thread's scratch array, and only while the analysis still wants them.
     */
    void nativeBytes(ConnectionRecord r, Object key, boolean requests, long address, int iovecs, long n, long nanos) {
        if (r.firstRequestBytesSeen && (r.wire == null || r.wire.done())) {
            return;
        }
        if (!NativeMemory.available() || iovecs >= 0 && !NativeMemory.iovecsReadable()) {
            bytes(r, key, requests, null, 0, n, nanos); // unreadable: the analysis of this connection stops
            return;
        }
        byte[] scratch = NativeMemory.scratch();
        try {
            if (iovecs < 0) {
                nativeRange(r, key, requests, address, n, scratch, nanos);
                return;
            }
            long left = n;
            for (int i = 0; i < iovecs && left > 0; i++) {
                long take = Math.min(left, NativeMemory.iovecLength(address, i));
                nativeRange(r, key, requests, NativeMemory.iovecBase(address, i), take, scratch, nanos);
                left -= take;
            }
        } catch (IllegalStateException e) {
            bytes(r, key, requests, null, 0, n, nanos); // native memory could not be read: this connection's analysis stops
        }
    }

    private void nativeRange(ConnectionRecord r, Object key, boolean requests, long from, long n, byte[] scratch,
                             long nanos) {
        for (long done = 0; done < n && !r.tls().plaintext; ) {
            int k = (int) Math.min(scratch.length, n - done);
            NativeMemory.copy(from + done, scratch, k);
            bytes(r, key, requests, scratch, 0, k, nanos);
            done += k;
        }
    }
}
