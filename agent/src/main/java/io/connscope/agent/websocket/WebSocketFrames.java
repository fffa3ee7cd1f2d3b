package io.connscope.agent.websocket;

import io.connscope.agent.wire.WireBytes;
import java.nio.ByteBuffer;

/**
 * One direction of a WebSocket connection (RFC 6455), read incrementally: frame headers are
 * decoded into a fixed 14-byte buffer, payloads are counted and never copied, except the two
 * bytes of a Close frame's status code. The result does not depend on how the stream is split
 * into calls. Bytes come as a {@code byte[]} or a {@link ByteBuffer} (absolute reads).
 */
public final class WebSocketFrames {

    /** What the session needs to hear about: Pings and Pongs, when they were seen. */
    public interface Events {
        /** This direction sent a Ping, or a Pong. */
        void control(boolean ping, long nanos);
    }

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;
    /** No status code in the Close frame (RFC 6455 §7.1.5). */
    public static final int NO_STATUS = 1005;

    private static final int HEADER = 0;
    private static final int CLOSE_CODE = 1;
    private static final int PAYLOAD = 2;
    private static final int STOPPED = 3;

    private final boolean fromClient;
    private final Events events;
    private final byte[] header = new byte[14];
    private int headerLength;
    private int state = HEADER;

    private int opcode;
    private long remaining;
    private int maskOffset;
    private int closeCode;
    private int closeCodeBytes;
    private long closeLength;
    private boolean inMessage;
    private boolean messageFragmented;

    private long frames;
    private long messages;
    private long fragmentedMessages;
    private long payloadBytes;
    private long pings;
    private long pongs;
    private volatile int sentCloseCode = -1;
    private volatile long sentCloseReasonLength = -1;
    private volatile long sentCloseNanos;
    private volatile long sentCloseThread;
    private String violation;

    /** {@code fromClient}: the frames travel from the client, and so must be masked. */
    public WebSocketFrames(boolean fromClient, Events events) {
        this.fromClient = fromClient;
        this.events = events;
    }

    /** Feeds {@code len} bytes of the data (see {@link WireBytes}) from index {@code off}. */
    public void feed(Object data, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && state != STOPPED) {
            if (state == PAYLOAD) {
                int take = (int) Math.min(remaining, end - i);
                remaining -= take;
                i += take;
                if (remaining == 0) {
                    frameEnd();
                }
            } else if (state == CLOSE_CODE) {
                int unmasked = (WireBytes.at(data, i) ^ mask(closeCodeBytes)) & 0xFF;
                closeCode = closeCode << 8 | unmasked;
                closeCodeBytes++;
                remaining--;
                i++;
                if (closeCodeBytes == 2) {
                    state = PAYLOAD;
                    if (remaining == 0) {
                        frameEnd();
                    }
                }
            } else {
                header[headerLength++] = WireBytes.at(data, i++);
                if (headerLength >= 2 && headerLength == headerSize()) {
                    headerEnd();
                }
            }
        }
    }

    /** The header's full size, known from its first two bytes. */
    private int headerSize() {
        int len7 = header[1] & 0x7F;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void headerEnd() {
        boolean fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        boolean masked = (header[1] & 0x80) != 0;
        int len7 = header[1] & 0x7F;
        long length = len7;
        int at = 2;
        if (len7 == 126) {
            length = (header[2] & 0xFFL) << 8 | header[3] & 0xFFL;
            at = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = length << 8 | header[k] & 0xFFL;
            }
            at = 10;
        }
        maskOffset = masked ? at : -1;
        headerLength = 0;
        if (length < 0) {
            stop("frame length over 2^63");
            return;
        }
        if (masked != fromClient) {
            stop(fromClient ? "unmasked frame from the client" : "masked frame from the server");
            return;
        }
        boolean control = opcode >= CLOSE;
        if (opcode > BINARY && opcode < CLOSE || opcode > PONG) {
            stop("reserved opcode");
            return;
        }
        if (control && (!fin || length > 125)) {
            stop("control frame fragmented or longer than 125 bytes");
            return;
        }
        if (opcode == CONTINUATION && !inMessage) {
            stop("continuation frame outside a message");
            return;
        }
        if ((opcode == TEXT || opcode == BINARY) && inMessage) {
            stop("new message before the fragmented one ended");
            return;
        }
        frames++;
        payloadBytes += length;
        if (!control) {
            if (opcode != CONTINUATION) {
                inMessage = true;
                messageFragmented = !fin;
            }
            if (fin) {
                inMessage = false;
                messages++;
                if (messageFragmented) {
                    fragmentedMessages++;
                }
            }
        } else if (opcode == PING || opcode == PONG) {
            if (opcode == PING) {
                pings++;
            } else {
                pongs++;
            }
            events.control(opcode == PING, System.nanoTime());
        }
        remaining = length;
        if (opcode == CLOSE) {
            closeCode = 0;
            closeCodeBytes = 0;
            closeLength = length;
            if (length >= 2) {
                state = CLOSE_CODE;
                return;
            }
        }
        state = PAYLOAD;
        if (remaining == 0) {
            frameEnd();
        }
    }

    private void frameEnd() {
        state = HEADER;
        if (opcode == CLOSE && sentCloseNanos == 0L) {
            closeSeen();
        }
    }

    /** This direction's first Close frame ended: what the close handshake needs of it. */
    private void closeSeen() {
        sentCloseCode = closeLength >= 2 ? closeCode : NO_STATUS;
        sentCloseReasonLength = Math.max(0, closeLength - 2);
        sentCloseThread = Thread.currentThread().getId();
        sentCloseNanos = System.nanoTime();
    }

    /** The masking key's byte for payload byte {@code index} (0 when unmasked). */
    private int mask(int index) {
        return maskOffset < 0 ? 0 : header[maskOffset + index % 4];
    }

    private void stop(String reason) {
        violation = reason;
        state = STOPPED;
    }

    public long frames() {
        return frames;
    }

    /** Data messages completed (a fragmented one counts once). */
    public long messages() {
        return messages;
    }

    public long fragmentedMessages() {
        return fragmentedMessages;
    }

    /** Payload bytes of every frame header seen, as declared. */
    public long payloadBytes() {
        return payloadBytes;
    }

    public long pings() {
        return pings;
    }

    public long pongs() {
        return pongs;
    }

    /** The status code of this direction's Close frame (1005 when it gave none), or -1 when it sent none. */
    public int closeCode() {
        return sentCloseCode;
    }

    /** The length of the reason in this direction's Close frame, or -1. */
    public long closeReasonLength() {
        return sentCloseReasonLength;
    }

    /** When this direction's Close frame was seen in full, or 0. */
    public long closeNanos() {
        return sentCloseNanos;
    }

    /** The id of the thread whose read or write showed this direction's Close frame. */
    long closeThread() {
        return sentCloseThread;
    }

    /** Why the analysis of this direction stopped, or null. */
    public String violation() {
        return violation;
    }
}
