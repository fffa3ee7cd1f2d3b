package io.connscope.agent.connection;

import java.nio.ByteBuffer;

/**
 * What a TLS 1.3 ServerHello says of resumption, read from the wire as a packet capture would: it
 * carries the {@code pre_shared_key} extension exactly when the server accepted a pre-shared key,
 * i.e. resumed a session (RFC 8446 §4.2.11). Engines do not say so themselves: BoringSSL, under
 * Conscrypt, gives a resumed session the time of its resumption as its creation time.
 */
final class ServerHello {

    /** Resumed, not resumed, or not known from these bytes (not a ServerHello, TLS 1.2, or cut short). */
    enum Resumption { RESUMED, NEW, UNKNOWN }

    private static final int HANDSHAKE_RECORD = 22;
    private static final int SERVER_HELLO = 2;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int PRE_SHARED_KEY = 41;
    private static final int TLS13 = 0x0304;
    /** The random of a HelloRetryRequest, which is sent as a ServerHello but settles nothing (RFC 8446 §4.1.3). */
    private static final byte[] RETRY_RANDOM = {
        (byte) 0xCF, 0x21, (byte) 0xAD, 0x74, (byte) 0xE5, (byte) 0x9A, 0x61, 0x11, (byte) 0xBE, 0x1D, (byte) 0x8C, 0x02,
        0x1E, 0x65, (byte) 0xB8, (byte) 0x91, (byte) 0xC2, (byte) 0xA2, 0x11, 0x16, 0x7A, (byte) 0xBB, (byte) 0x8C, 0x5E,
        0x07, (byte) 0x9E, 0x09, (byte) 0xE2, (byte) 0xC8, (byte) 0xA8, 0x33, (byte) 0x9C};

    private ServerHello() {
    }

    /** The {@code n} bytes of {@code b} from absolute index {@code from}: a record holding a ServerHello, or not. */
    static Resumption of(ByteBuffer b, int from, int n) {
        int end = Math.min(b.limit(), from + n);
        if (from < 0 || end - from < 5 + 4 + 2 + 32 + 1) {
            return Resumption.UNKNOWN;
        }
        int at = from;
        if (u8(b, at) != HANDSHAKE_RECORD || u8(b, at + 5) != SERVER_HELLO) {
            return Resumption.UNKNOWN;
        }
        int bodyEnd = at + 9 + u24(b, at + 6);
        if (bodyEnd > end) {
            return Resumption.UNKNOWN; // the ServerHello is not all here
        }
        at += 9 + 2; // record and handshake headers, legacy_version
        if (isRetry(b, at)) {
            return Resumption.UNKNOWN;
        }
        at += 32;
        at += 1 + u8(b, at); // legacy_session_id_echo
        at += 2 + 1; // cipher_suite, legacy_compression_method
        if (at + 2 > bodyEnd) {
            return Resumption.UNKNOWN;
        }
        int extensionsEnd = at + 2 + u16(b, at);
        if (extensionsEnd > bodyEnd) {
            return Resumption.UNKNOWN;
        }
        at += 2;
        boolean tls13 = false;
        boolean psk = false;
        while (at + 4 <= extensionsEnd) {
            int type = u16(b, at);
            int length = u16(b, at + 2);
            if (type == SUPPORTED_VERSIONS && length == 2 && at + 6 <= extensionsEnd) {
                tls13 = u16(b, at + 4) == TLS13;
            } else if (type == PRE_SHARED_KEY) {
                psk = true;
            }
            at += 4 + length;
        }
        if (at != extensionsEnd || !tls13) {
            return Resumption.UNKNOWN; // cut short, or TLS 1.2 and older, where resumption is told otherwise
        }
        return psk ? Resumption.RESUMED : Resumption.NEW;
    }

    private static boolean isRetry(ByteBuffer b, int at) {
        for (int i = 0; i < RETRY_RANDOM.length; i++) {
            if (b.get(at + i) != RETRY_RANDOM[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    private static int u16(ByteBuffer b, int at) {
        return (u8(b, at) << 8) | u8(b, at + 1);
    }

    private static int u24(ByteBuffer b, int at) {
        return (u8(b, at) << 16) | u16(b, at + 1);
    }
}
