package io.connscope.agent.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** HTTP/2 bytes for tests: frames (RFC 9113 §4.1), SETTINGS entries, the client connection preface. */
public final class H2Wire {

    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int PING = 6;
    public static final int WINDOW_UPDATE = 8;
    public static final int ACK = 0x1;
    public static final int INITIAL_WINDOW_SIZE = 4;
    public static final int GOAWAY = 7;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int MAX_CONCURRENT_STREAMS = 3;

    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private H2Wire() {
    }

    public static void frame(ByteArrayOutputStream out, int type, int flags, int streamId, byte[] payload) {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.writeBytes(int32(streamId));
        out.writeBytes(payload);
    }

    public static byte[] setting(int id, int value) {
        return concat(new byte[] {(byte) (id >>> 8), (byte) id}, int32(value));
    }

    public static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, type, flags, streamId, payload);
        return out.toByteArray();
    }
}
