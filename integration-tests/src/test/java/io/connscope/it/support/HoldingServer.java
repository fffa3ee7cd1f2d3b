package io.connscope.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A loopback server on one thread for thousands of connections: it holds each one until the peer
 * goes away, or closes each at once. It lives in the test JVM, so a child JVM can hold 10,000
 * connections within the per-process file limit.
 */
public final class HoldingServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Selector selector;
    private final boolean closeAtOnce;
    private final Thread thread;

    private HoldingServer(boolean closeAtOnce) throws IOException {
        this.closeAtOnce = closeAtOnce;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "holding-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** Holds every connection until the peer closes or resets it. */
    public static HoldingServer holding() throws IOException {
        return new HoldingServer(false);
    }

    /** Closes every connection as soon as it is accepted, so the TIME_WAIT stays on this side. */
    public static HoldingServer closingAtOnce() throws IOException {
        return new HoldingServer(true);
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    private void loop() {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            while (selector.isOpen()) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel c;
                        while ((c = server.accept()) != null) {
                            if (closeAtOnce) {
                                c.close();
                            } else {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ);
                            }
                        }
                    } else if (key.isReadable()) {
                        SocketChannel c = (SocketChannel) key.channel();
                        buffer.clear();
                        int n;
                        try {
                            n = c.read(buffer);
                        } catch (IOException reset) {
                            n = -1;
                        }
                        if (n < 0) {
                            key.cancel();
                            c.close();
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (Exception closed) {
            // the server was closed
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        server.close();
    }
}
