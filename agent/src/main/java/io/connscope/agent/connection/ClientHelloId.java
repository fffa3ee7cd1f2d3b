package io.connscope.agent.connection;

import io.connscope.bridge.Bridge;
import java.nio.ByteBuffer;

/**
 * A TLS handshake's identity: the first 16 bytes of the ClientHello's random. The engine that
 * wrote or read the ClientHello and the socket that carried it see the same bytes, so this pairs
 * them without regard to threads, host names or ports.
 */
final class ClientHelloId {

    /** Record header (5), handshake header (4), legacy_version (2), then the random. */
    private static final int RANDOM_AT = 11;
    static final int MIN_BYTES = RANDOM_AT + 16;

    private final long high;
    private final long low;

    private ClientHelloId(long high, long low) {
        this.high = high;
        this.low = low;
    }

    /**
     * The id of a ClientHello at the start of the {@code n} bytes that a socket or channel moved, in
     * the bridge's terms: a {@code byte[]} from {@code offset}, a {@code ByteBuffer} ending at its
     * position, or a {@code ByteBuffer[]} whose positions before the call are the thread's vectored
     * positions. Null when those bytes do not start with a ClientHello.
     */
    static ClientHelloId in(Object data, int offset, int n) {
        if (data instanceof byte[]) {
            return of((byte[]) data, offset, n);
        }
        if (data instanceof ByteBuffer) {
            ByteBuffer b = (ByteBuffer) data;
            return of(b, offset == Bridge.BEFORE_POSITION ? b.position() - n : offset, n);
        }
        if (data instanceof ByteBuffer[]) {
            int[] before = Bridge.vectoredPositions();
            ByteBuffer[] buffers = (ByteBuffer[]) data;
            for (int i = 0; before != null && i < before[0]; i++) {
                ByteBuffer b = buffers[offset + i];
                int moved = b.position() - before[i + 1];
                if (moved > 0) {
                    return of(b, before[i + 1], moved);
                }
            }
        }
        return null;
    }

    /** The id of the ClientHello at {@code b[from]}, or null when the bytes there are not one. */
    static ClientHelloId of(byte[] b, int from, int n) {
        if (n < MIN_BYTES || !isClientHello(b[from], b[from + 1], b[from + 5])) {
            return null;
        }
        return new ClientHelloId(longAt(b, from + RANDOM_AT), longAt(b, from + RANDOM_AT + 8));
    }

    /** As {@link #of(byte[], int, int)}, at an absolute index of a buffer. */
    static ClientHelloId of(ByteBuffer b, int from, int n) {
        if (n < MIN_BYTES || from < 0 || from + n > b.limit()
            || !isClientHello(b.get(from), b.get(from + 1), b.get(from + 5))) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (b.get(from + RANDOM_AT + i) & 0xFF);
            low = low << 8 | (b.get(from + RANDOM_AT + 8 + i) & 0xFF);
        }
        return new ClientHelloId(high, low);
    }

    /** A handshake record (22) of TLS major version 3 that starts with a ClientHello (1). */
    private static boolean isClientHello(byte contentType, byte major, byte handshakeType) {
        return contentType == 22 && major == 3 && handshakeType == 1;
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientHelloId && ((ClientHelloId) o).high == high && ((ClientHelloId) o).low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high * 31 + low);
    }
}
