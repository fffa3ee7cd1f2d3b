package io.connscope.agent.connection;

import io.connscope.agent.instrument.NativeMemory;

/**
 * The bytes of a read or write, on their way to analysis: a connection's first bytes toward the
 * server are looked at for a TLS ClientHello ({@link EngineTls}), the rest go to its HTTP analysis.
 * Bytes in native memory (Netty's native transports) are copied piece by piece first.
 */
final class WireBytesFeed {

    private final HttpAnalysis http;
    private final EngineTls engineTls;

    WireBytesFeed(HttpAnalysis http, EngineTls engineTls) {
        this.http = http;
        this.engineTls = engineTls;
    }

    /**
     * The first bytes toward the server: a TLS ClientHello means the connection carries ciphertext,
     * encrypted by an SSLEngine (an SSLSocket is followed by its own hooks), whose plaintext is
     * analysed from then on. Otherwise the bytes go to the HTTP analysis.
     */
    void bytes(ConnectionRecord r, Object key, boolean requests, Object data, int offset, long n) {
        if (requests && !r.firstRequestBytesSeen && engineTls.firstRequestBytes(r, key, data, offset, n)) {
            return;
        }
        http.feed(r, requests, data, offset, n);
    }

    /**
     * Bytes in native memory, at {@code address} or gathered from {@code iovecs} entries there: copied
     * piece by piece into this thread's scratch array, and only while the analysis still wants them.
     */
    void nativeBytes(ConnectionRecord r, Object key, boolean requests, long address, int iovecs, long n) {
        if (r.firstRequestBytesSeen && (r.http == null || r.http.done())) {
            return;
        }
        if (!NativeMemory.available()) {
            bytes(r, key, requests, null, 0, n);
            return;
        }
        byte[] scratch = NativeMemory.scratch();
        if (iovecs < 0) {
            nativeRange(r, key, requests, address, n, scratch);
            return;
        }
        long left = n;
        for (int i = 0; i < iovecs && left > 0; i++) {
            long take = Math.min(left, NativeMemory.iovecLength(address, i));
            nativeRange(r, key, requests, NativeMemory.iovecBase(address, i), take, scratch);
            left -= take;
        }
    }

    private void nativeRange(ConnectionRecord r, Object key, boolean requests, long from, long n, byte[] scratch) {
        for (long done = 0; done < n && !r.tlsPlaintext; ) {
            int k = (int) Math.min(scratch.length, n - done);
            NativeMemory.copy(from + done, scratch, k);
            bytes(r, key, requests, scratch, 0, k);
            done += k;
        }
    }
}
