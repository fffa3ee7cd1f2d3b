package io.connscope.demo;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client done by the book over a plain socket: a message, a ping, then Close, the
 * server's Close, and the client waits for the server's FIN before closing its end (RFC 6455 7.1.1).
 * Its late variant does not read the server's FIN: it closes 200 ms after the close handshake, long
 * after the server closed, so the server's FIN still went first, as both sides' clocks show.
 */
final class CleanWebSocketScenario implements Scenario {

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
    static final long LATE_CLOSE_MILLIS = 200;

    private final boolean late;

    private CleanWebSocketScenario(boolean late) {
        this.late = late;
    }

    static Scenario clean() {
        return new CleanWebSocketScenario(false);
    }

    static Scenario lateClose() {
        return new CleanWebSocketScenario(true);
    }

    @Override
    public String name() {
        return late ? "websocket-late-close" : "websocket-clean";
    }

    @Override
    public String description() {
        return late ? "a WebSocket client that closes TCP without reading the server's FIN, but long after it came: the"
            + " server's FIN went first" : "a WebSocket client that does it right: a message, a ping, the close handshake,"
            + " and the server closes TCP first";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (WebSocketDemoServer server = new WebSocketDemoServer(1, false);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream o = s.getOutputStream();
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            o.write(("GET /clean HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = readHead(in);
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IllegalStateException("no upgrade: " + status);
            }
            send(o, 0x81, "hello".getBytes(StandardCharsets.UTF_8));
            readFrame(in); // the echo
            send(o, 0x89, new byte[] {7});
            readFrame(in); // the pong
            send(o, 0x88, new byte[] {0x03, (byte) 0xE8}); // Close 1000
            int closeOpcode = readFrame(in);
            if (late) {
                Thread.sleep(LATE_CLOSE_MILLIS); // without reading: the server's FIN waits unread
                long closing = System.nanoTime();
                long serverClosed = server.closedNanos();
                s.close();
                out.println("  the server's Close (opcode " + closeOpcode + "), then the client closes " + LATE_CLOSE_MILLIS
                    + " ms later without reading its FIN; the server had closed " + (serverClosed == 0L ? "not yet"
                    : (closing - serverClosed) / 1_000_000 + " ms before"));
                out.println("expect: port=" + server.port() + " late.close=true server.closed.first=" + (serverClosed != 0L
                    && serverClosed < closing));
                return;
            }
            int eof = in.read(); // and then wait for the server's FIN
            out.println("  echo, pong, the server's Close (opcode " + closeOpcode + ") and then its FIN ("
                + (eof < 0 ? "end of stream" : "more data?") + "); the client closes last");
            out.println("expect: port=" + server.port() + " client.frames=3 server.frames=3 close.code=1000");
        }
    }

    private static void send(OutputStream o, int first, byte[] payload) throws Exception {
        byte[] f = new byte[2 + 4 + payload.length];
        f[0] = (byte) first;
        f[1] = (byte) (0x80 | payload.length);
        System.arraycopy(MASK, 0, f, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            f[6 + i] = (byte) (payload[i] ^ MASK[i % 4]);
        }
        o.write(f);
        o.flush();
    }

    /** Reads one short unmasked frame from the server; returns its opcode. */
    private static int readFrame(InputStream in) throws Exception {
        int b0 = in.read();
        int len = in.read();
        if (b0 < 0 || len < 0 || len > 125) {
            throw new EOFException("no frame from the server");
        }
        in.readNBytes(len);
        return b0 & 0x0F;
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("no response head");
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
