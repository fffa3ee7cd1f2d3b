package io.connscope.bench.workload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A 64-byte request and a 64-byte response on one blocking SocketChannel. */
final class SocketChannelRpc implements Workload {

    static final int SIZE = 64;

    private final ServerSocketChannel listener = ServerSocketChannel.open();
    private final Thread server;
    private final SocketChannel channel;
    private final ByteBuffer request = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer response = ByteBuffer.allocateDirect(SIZE);

    SocketChannelRpc() throws IOException {
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server = new Thread(this::serve, "socket-channel-server");
        server.setDaemon(true);
        server.start();
        channel = SocketChannel.open(listener.getLocalAddress());
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private void serve() {
        try (SocketChannel s = listener.accept()) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
            ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
            while (true) {
                in.clear();
                fill(s, in);
                out.clear();
                while (out.hasRemaining()) {
                    s.write(out);
                }
            }
        } catch (IOException e) {
            // the client closed: the workload is over
        }
    }

    private static void fill(SocketChannel s, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                throw new IOException("closed");
            }
        }
    }

    @Override
    public void request() throws IOException {
        request.clear();
        while (request.hasRemaining()) {
            channel.write(request);
        }
        response.clear();
        fill(channel, response);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        channel.close();
        listener.close();
        server.join(5000);
    }
}
