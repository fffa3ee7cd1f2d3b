package io.connscope.demo;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * A minimal RFC 6455 server on loopback, one session at a time: it accepts the upgrade, echoes
 * data frames as they came (fragments included), answers Ping with Pong, and answers Close with
 * Close. Then it closes TCP at once, as the RFC asks of servers, or first gives the client up to
 * two seconds to close it, to show clients that do not wait for the server.
 */
final class WebSocketDemoServer implements AutoCloseable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final Thread thread;
    private final boolean waitForClientClose;
    private volatile Throwable failure;
    /** When the server last closed a session's socket (System.nanoTime), or 0. */
    private volatile long closedNanos;

    WebSocketDemoServer(int sessions, boolean waitForClientClose) throws IOException {
        this(sessions, waitForClientClose, null);
    }

    /** Over TLS (an SSLServerSocket) when {@code tls} is given. */
    WebSocketDemoServer(int sessions, boolean waitForClientClose, SSLContext tls) throws IOException {
        this.waitForClientClose = waitForClientClose;
        server = tls == null ? DemoPorts.listen(50) : DemoPorts.listen(tls.getServerSocketFactory(), 50);
        thread = new Thread(() -> {
            try {
                for (int i = 0; i < sessions; i++) {
                    try (Socket s = server.accept()) {
                        serve(s);
                    }
                    closedNanos = System.nanoTime();
                }
            } catch (Throwable t) {
                failure = t;
            }
        }, "demo-websocket-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** When the server last closed a session's socket (System.nanoTime), or 0 while none is closed. */
    long closedNanos() {
        return closedNanos;
    }

    private void serve(Socket s) throws Exception {
        s.setTcpNoDelay(true);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String key = null;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
            .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return; // the client went away without a Close: nothing to answer
            }
            int b1 = read(in);
            long length = b1 & 0x7F;
            if (length == 126) {
                length = read(in) << 8 | read(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = length << 8 | read(in);
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("frame cut short");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            int opcode = b0 & 0x0F;
            if (opcode == 9) {
                frame(out, 0x80 | 10, payload);
            } else if (opcode == 8) {
                frame(out, 0x80 | 8, payload); // the same status code back
                if (waitForClientClose) {
                    s.setSoTimeout(2000);
                    try {
                        while (in.read() >= 0) {
                            // until the client's FIN
                        }
                    } catch (SocketTimeoutException e) {
                        // the client kept its end open: close anyway
                    }
                }
                return;
            } else if (opcode <= 2) {
                frame(out, b0 & 0x8F, payload);
            }
        }
    }

    /** An unmasked frame, as servers send them. */
    private static void frame(OutputStream out, int first, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(first);
        if (payload.length < 126) {
            f.write(payload.length);
        } else {
            f.write(126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        }
        f.write(payload);
        out.write(f.toByteArray());
        out.flush();
    }

    private static int read(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a frame header");
        }
        return b;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = read(in); c != '\n'; c = read(in)) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
        if (failure != null) {
            throw new IllegalStateException("the WebSocket server failed", failure);
        }
    }
}
