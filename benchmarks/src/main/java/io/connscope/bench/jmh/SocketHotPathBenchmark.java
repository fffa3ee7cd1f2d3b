package io.connscope.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The socket hot path on an established loopback connection: one write and one read on the
 * client, one read and one write on the server thread, per operation. Run with JMH's GC profiler,
 * gc.alloc.rate.norm is what connscope adds per read and write once a connection is set up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SocketHotPathBenchmark {

    private static final int SIZE = 32;

    private ServerSocket listener;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final byte[] buffer = new byte[SIZE];

    private ServerSocketChannel channelListener;
    private SocketChannel channel;
    private final ByteBuffer channelBuffer = ByteBuffer.allocateDirect(SIZE);

    @Setup(Level.Trial)
    public void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        echo("socket-echo", () -> {
            try (Socket s = listener.accept()) {
                s.setTcpNoDelay(true);
                byte[] b = new byte[SIZE];
                InputStream sin = s.getInputStream();
                OutputStream sout = s.getOutputStream();
                int n;
                while ((n = sin.read(b)) > 0) {
                    sout.write(b, 0, n);
                }
            }
        });
        socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();

        channelListener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        echo("channel-echo", () -> {
            try (SocketChannel s = channelListener.accept()) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
                while (s.read(b) > 0) {
                    b.flip();
                    while (b.hasRemaining()) {
                        s.write(b);
                    }
                    b.clear();
                }
            }
        });
        channel = SocketChannel.open(channelListener.getLocalAddress());
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /** One write of 32 bytes and reads until they are back. */
    @Benchmark
    public int socketWriteRead() throws IOException {
        out.write(buffer, 0, SIZE);
        int got = 0;
        while (got < SIZE) {
            got += in.read(buffer, got, SIZE - got);
        }
        return got;
    }

    /** The same through a blocking SocketChannel and a direct buffer. */
    @Benchmark
    public int channelWriteRead() throws IOException {
        channelBuffer.clear();
        while (channelBuffer.hasRemaining()) {
            channel.write(channelBuffer);
        }
        channelBuffer.clear();
        while (channelBuffer.hasRemaining()) {
            channel.read(channelBuffer);
        }
        return channelBuffer.position();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        socket.close();
        listener.close();
        channel.close();
        channelListener.close();
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void echo(String name, Io body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                // the benchmark closed the connection
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
