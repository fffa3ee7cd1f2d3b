package io.connscope.bench.child;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Runs in the harness: answers each connection's request with {@link #RESPONSE} and then holds the
 * connection open, idle, until the client closes it. One selector thread serves thousands.
 */
public final class IdleServer implements AutoCloseable {

    static final byte[] RESPONSE =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=600\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private final Selector selector = Selector.open();
    private final ServerSocketChannel listener = ServerSocketChannel.open();
    private final Thread thread;
    private volatile boolean running = true;

    public IdleServer() throws IOException {
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::serve, "idle-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (running) {
            try {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        SocketChannel c;
                        while ((c = listener.accept()) != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new int[1]);
                        }
                    } else if (key.isReadable()) {
                        read((SocketChannel) key.channel(), key, in);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                if (running) {
                    System.err.println("idle server: " + e);
                }
            }
        }
    }

    /** Counts the request's end-of-head CRLFs (state in the key) and answers once the head is complete. */
    private static void read(SocketChannel c, SelectionKey key, ByteBuffer in) throws IOException {
        in.clear();
        int n;
        try {
            n = c.read(in);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            c.close();
            return;
        }
        int[] matched = (int[]) key.attachment();
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int i = 0; i < n; i++) {
            byte b = in.get(i);
            matched[0] = b == end[matched[0]] ? matched[0] + 1 : (b == '\r' ? 1 : 0);
            if (matched[0] == 4) {
                matched[0] = 0;
                ByteBuffer out = ByteBuffer.wrap(RESPONSE);
                while (out.hasRemaining()) {
                    c.write(out);
                }
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(5000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
