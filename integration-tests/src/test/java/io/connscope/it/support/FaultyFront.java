package io.connscope.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener in front of a collector that fails below HTTP: it resets every connection, or it
 * answers each request with a response that stops halfway through its head. Once healed it closes what
 * it held and relays every new connection to the collector behind it.
 */
public final class FaultyFront implements AutoCloseable {

    public enum Mode { RESET, STALL }

    private final ServerSocket server;
    private final int target;
    private final Mode mode;
    private volatile boolean healed;
    private final AtomicInteger faulted = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public FaultyFront(Mode mode, int targetPort) throws IOException {
        this.mode = mode;
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "faulty-front");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections that met the fault. */
    public int faulted() {
        return faulted.get();
    }

    /** Ends the fault: held connections are closed mid-response, new ones reach the collector. */
    public void heal() {
        healed = true;
        for (Socket s : held) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                if (healed) {
                    relay(s);
                } else if (mode == Mode.RESET) {
                    faulted.incrementAndGet();
                    s.setSoLinger(true, 0);
                    s.close();
                } else {
                    faulted.incrementAndGet();
                    held.add(s);
                    start(() -> stall(s));
                }
            }
        } catch (IOException closed) {
            // the front is closed
        }
    }

    /**
     * Reads the start of the request and answers with the start of a response head, then nothing until
     * healed. (A complete 200 head would tell the exporter its data was taken, whatever follows.)
     */
    private static void stall(Socket s) {
        try {
            s.getInputStream().read(new byte[8192]);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            closeQuietly(s);
        }
    }

    private void relay(Socket client) throws IOException {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        start(() -> pipe(client, upstream));
        start(() -> pipe(upstream, client));
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            in.transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "faulty-front-io");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        heal();
        server.close();
    }
}
