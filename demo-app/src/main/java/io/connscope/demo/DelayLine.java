package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback that delivers every chunk, each way, a fixed time after it arrived, like a
 * network path with that one-way latency (netem is not available on every kernel the demo runs on).
 * Chunks keep their order and do not wait for each other: a handshake's round trips each cost twice
 * the delay, as they would over the network. The TCP handshake with the relay itself stays a loopback
 * one.
 */
final class DelayLine implements AutoCloseable {

    /** Marks the end of one direction's stream in its queue. */
    private static final byte[] END = new byte[0];

    private final ServerSocket listener;
    private final int targetPort;
    private final long delayNanos;
    private final AtomicInteger accepted = new AtomicInteger();

    private DelayLine(ServerSocket listener, int targetPort, int oneWayMillis) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayMillis);
    }

    /** Relays every connection accepted on a new loopback port to {@code targetPort}, until closed. */
    static DelayLine start(int targetPort, int oneWayMillis) throws IOException {
        DelayLine line = new DelayLine(DemoPorts.listen(50), targetPort, oneWayMillis);
        Thread acceptor = new Thread(line::accept, "demo-delay-line");
        acceptor.setDaemon(true);
        acceptor.start();
        return line;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far: the relay's own count, independent of any client's. */
    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket target;
                try {
                    target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    closeQuietly(client); // nothing to relay to
                    continue;
                }
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                // Both sockets close once both directions have relayed their end (or one failed).
                AtomicInteger ended = new AtomicInteger();
                Runnable end = () -> {
                    if (ended.incrementAndGet() == 2) {
                        closeQuietly(client);
                        closeQuietly(target);
                    }
                };
                direction(client, target, end);
                direction(target, client, end);
            } catch (IOException e) {
                // closed, or the target refused: the next accept decides
            }
        }
    }

    /** One direction: a reader stamping chunks as they arrive, a writer sending each when its time has come. */
    private void direction(Socket from, Socket to, Runnable end) {
        BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    queue.add(new Object[] {System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)});
                }
            } catch (IOException e) {
                // reset or closed: the end travels on like a close
            }
            queue.add(new Object[] {System.nanoTime() + delayNanos, END});
        }, "demo-delay-line-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Object[] chunk = queue.take();
                    long wait = (long) chunk[0] - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    byte[] bytes = (byte[]) chunk[1];
                    if (bytes == END) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away: nothing more can be relayed either way
                closeQuietly(from);
                closeQuietly(to);
            } finally {
                end.run();
            }
        }, "demo-delay-line-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
