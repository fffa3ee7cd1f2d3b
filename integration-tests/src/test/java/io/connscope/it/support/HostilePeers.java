package io.connscope.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Attackers from the test JVM: many connections to a child JVM, each sending what a hostile peer
 * would, all held open until closed. The payloads are built here, so the test knows exactly how
 * many bytes the target must have received.
 */
public final class HostilePeers implements AutoCloseable {

    private final List<Socket> held = new ArrayList<>();
    private long bytesSent;

    /** Opens {@code connections} connections to the port and sends payload(i) on the i-th, keeping all open. */
    public HostilePeers send(int port, int connections, IntFunction<byte[]> payload) throws IOException {
        for (int i = 0; i < connections; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            held.add(s);
            byte[] b = payload.apply(i);
            OutputStream out = s.getOutputStream();
            out.write(b);
            out.flush();
            bytesSent += b.length;
        }
        return this;
    }

    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public void close() {
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        held.clear();
    }

    /** An HTTP/1.1 request line of {@code length} bytes that never ends: no line feed, no blank line. */
    public static byte[] unfinishedHead(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 'a');
        System.arraycopy("GET /".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 5);
        return b;
    }

    /**
     * The HTTP/2 client preface, an empty SETTINGS frame, and a header block of {@code blockBytes} that
     * never ends: a HEADERS frame and CONTINUATION frames, none with END_HEADERS.
     */
    public static byte[] unfinishedHeaderBlock(int blockBytes) {
        ByteBuffer b = ByteBuffer.allocate(24 + 9 + blockBytes + 9 * (blockBytes / 16_000 + 1));
        b.put("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(b, 4, 0, 0, 0); // SETTINGS
        int left = blockBytes;
        boolean first = true;
        while (left > 0) {
            int n = Math.min(16_000, left);
            frame(b, first ? 1 : 9, 0, 1, n); // HEADERS, then CONTINUATION, on stream 1, without END_HEADERS
            b.put(new byte[n]);
            left -= n;
            first = false;
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /**
     * What a fuzzing peer sends: a random HTTP/1.x start (complete heads, cut heads, hostile header
     * lines), the HTTP/2 preface and random frames (HEADERS and CONTINUATION with random blocks among
     * them), or random bytes; up to {@code max} bytes, the same for the same seed.
     */
    public static byte[] fuzz(Random random, int max) {
        ByteBuffer b = ByteBuffer.allocate(max + 64);
        switch (random.nextInt(3)) {
            case 0:
                while (b.position() < max - 200) {
                    String[] starts = {"GET /", "POST /x HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "PUT ", "GET / HTTP/1.1\r\n"};
                    b.put(starts[random.nextInt(starts.length)].getBytes(StandardCharsets.US_ASCII));
                    int line = random.nextInt(Math.min(20_000, max - b.position()));
                    for (int i = 0; i < line && b.position() < max; i++) {
                        int r = random.nextInt(40);
                        b.put((byte) (r == 0 ? '\r' : r == 1 ? '\n' : r == 2 ? ':' : r == 3 ? 0x1b : 'a' + random.nextInt(26)));
                    }
                    if (random.nextBoolean() && b.position() < max - 4) {
                        b.put("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                break;
            case 1:
                b.put("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                while (b.position() < max - 9) {
                    int type = random.nextInt(4) == 0 ? random.nextInt(12) : random.nextBoolean() ? 1 : 9;
                    int length = Math.min(random.nextInt(16_384), max - 9 - b.position());
                    frame(b, type, random.nextInt(256), 1 + 2 * random.nextInt(50), length);
                    byte[] payload = new byte[length];
                    random.nextBytes(payload);
                    b.put(payload);
                }
                break;
            default:
                byte[] noise = new byte[max];
                random.nextBytes(noise);
                b.put(noise);
                break;
        }
        return Arrays.copyOf(b.array(), Math.min(b.position(), max));
    }

    private static void frame(ByteBuffer b, int type, int flags, int stream, int length) {
        b.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length).put((byte) type).put((byte) flags)
            .putInt(stream);
    }
}
