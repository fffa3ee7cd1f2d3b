package io.connscope.bench.workload;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The least HTTP/1.1 server that keeps connections alive: a thread per connection that reads a
 * request head, skips its Content-Length body and answers 200 with a 64-byte body in one write.
 * Beside it the per-request work of a client library and of an agent is most of the process's
 * work, so a per-request cost shows undiluted, as it does in a fast production service; the JDK's
 * HttpServer costs several times as much per request and hides it.
 */
final class MinimalHttpResponder implements AutoCloseable {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 64\r\nContent-Type: text/plain\r\n\r\n"
        + "x".repeat(64)).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());

    MinimalHttpResponder() throws IOException {
        Thread acceptor = new Thread(this::accept, "minimal-http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "minimal-http-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed: the workload is over
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
            OutputStream out = s.getOutputStream();
            while (true) {
                long body = readHead(in);
                if (body < 0) {
                    return;
                }
                in.skipNBytes(body);
                out.write(RESPONSE);
            }
        } catch (IOException e) {
            // the client went away: the workload is over
        }
    }

    /** Reads one request head; returns its Content-Length (0 when absent), or -1 at the end of the stream. */
    static long readHead(InputStream in) throws IOException {
        long contentLength = 0;
        int column = 0;
        long value = -1;
        boolean matching = true;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            if (b == '\n') {
                if (column <= 1) { // an empty line (CRLF or LF): the head is over
                    return contentLength;
                }
                if (value >= 0) {
                    contentLength = value;
                }
                column = 0;
                value = -1;
                matching = true;
                continue;
            }
            if (matching && column < CONTENT_LENGTH.length) {
                matching = Character.toLowerCase(b) == CONTENT_LENGTH[column];
            } else if (matching && b >= '0' && b <= '9') {
                value = (value < 0 ? 0 : value * 10) + (b - '0');
            }
            column++;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
