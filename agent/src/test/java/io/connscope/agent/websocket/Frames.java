package io.connscope.agent.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 6455 frames as a client (masked) or a server (unmasked) writes them, for the tests. */
public final class Frames {

    private static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private Frames() {
    }

    public static byte[] frame(boolean fromClient, int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int mask = fromClient ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(mask | payload.length);
        } else if (payload.length < 65536) {
            f.write(mask | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        } else {
            f.write(mask | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >> (8 * i)));
            }
        }
        if (fromClient) {
            f.writeBytes(KEY);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(fromClient ? payload[i] ^ KEY[i % 4] : payload[i]);
        }
        return f.toByteArray();
    }

    public static byte[] close(boolean fromClient, int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        return frame(fromClient, WebSocketFrames.CLOSE, true, payload);
    }

    public static byte[] text(boolean fromClient, String s) {
        return frame(fromClient, WebSocketFrames.TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }
}
