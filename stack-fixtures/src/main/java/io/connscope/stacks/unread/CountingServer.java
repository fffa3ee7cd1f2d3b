package io.connscope.stacks.unread;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 server on a thread per connection, answering every GET with a body of a fixed
 * size, that counts the connections it accepted and the requests it read: the truth a client's reuse
 * is measured against, independent of connscope.
 */
final class CountingServer implements AutoCloseable {

    private final ServerSocket listener;
    private final byte[] body;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    CountingServer(int bodyBytes) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        body = new byte[bodyBytes];
        Thread accept = new Thread(this::accept, "counting-server-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "counting-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            while (readHead(in)) {
                requests.incrementAndGet();
                out.write(head);
                out.write(body); // blocks while a client leaves the body unread and the buffers are full
                out.flush();
            }
        } catch (IOException e) {
            // the client let go of the connection (a reset, when it closed with the body unread)
        }
    }

    /** Reads a request head (no body: GETs only); false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
