package io.connscope.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * SocketChannel clients: a blocking connect (TCP_NODELAY set once connected), then a non-blocking
 * connect finished through a Selector (TCP_NODELAY set before connecting). The server reads into
 * two buffers at once.
 */
final class ChannelScenario implements Scenario {

    static final int REQUEST = 64 + 10 + 20;
    static final int RESPONSE = 200;

    @Override
    public String name() {
        return "channel";
    }

    @Override
    public String description() {
        return "SocketChannel clients with blocking and non-blocking connect, plain and vectored writes";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            DemoPorts.bind(server);
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Thread serving = new Thread(() -> serve(server), "demo-channel-server");
            serving.setDaemon(true);
            serving.start();

            try (SocketChannel blocking = SocketChannel.open(address)) {
                blocking.setOption(StandardSocketOptions.TCP_NODELAY, true);
                exchange(blocking);
            }
            try (SocketChannel nonBlocking = SocketChannel.open(); Selector selector = Selector.open()) {
                nonBlocking.setOption(StandardSocketOptions.TCP_NODELAY, true);
                nonBlocking.configureBlocking(false);
                if (!nonBlocking.connect(address)) {
                    nonBlocking.register(selector, SelectionKey.OP_CONNECT);
                    while (!nonBlocking.finishConnect()) {
                        selector.select(1000);
                    }
                }
                nonBlocking.keyFor(selector).cancel();
                selector.selectNow();
                nonBlocking.configureBlocking(true);
                exchange(nonBlocking);
            }
            serving.join(10_000);
            out.println("  two channel connections, each sending " + REQUEST + " bytes and reading " + RESPONSE);
            out.println("expect: client.connections=2 client.sent=" + REQUEST + " client.received=" + RESPONSE
                + " port=" + address.getPort());
        }
    }

    private static void exchange(SocketChannel ch) throws IOException {
        writeFully(ch, ByteBuffer.allocate(64));
        ByteBuffer[] parts = {ByteBuffer.allocate(10), ByteBuffer.allocate(20)};
        while (parts[1].hasRemaining()) {
            ch.write(parts);
        }
        ch.shutdownOutput();
        ByteBuffer in = ByteBuffer.allocate(RESPONSE + 1);
        while (ch.read(in) >= 0) {
            // read to EOF
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void serve(ServerSocketChannel server) {
        for (int i = 0; i < 2; i++) {
            try (SocketChannel ch = server.accept()) {
                ByteBuffer[] in = {ByteBuffer.allocate(50), ByteBuffer.allocate(REQUEST)};
                while (ch.read(in, 0, 2) >= 0) {
                    // vectored reads, to the client's half-close
                }
                writeFully(ch, ByteBuffer.allocate(RESPONSE));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
