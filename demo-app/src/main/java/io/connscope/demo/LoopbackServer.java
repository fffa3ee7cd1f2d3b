package io.connscope.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;

/** A plain ServerSocket on loopback that serves a fixed number of connections, one at a time, on its own thread. */
final class LoopbackServer implements AutoCloseable {

    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    LoopbackServer(ServerSocket server, int connections, Handler handler) {
        this.server = server;
        this.thread = new Thread(() -> {
            try {
                for (int i = 0; i < connections; i++) {
                    try (Socket s = server.accept()) {
                        handler.handle(s);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "demo-server");
        thread.setDaemon(true);
        thread.start();
    }

    static LoopbackServer start(int connections, Handler handler) throws IOException {
        return new LoopbackServer(DemoPorts.listen(50), connections, handler);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The server is still serving its connections. */
    boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits for the server to finish its connections and rethrows what it failed with. */
    void await() throws Exception {
        thread.join(10_000);
        Throwable t = failure.get();
        if (t instanceof Exception) {
            throw (Exception) t;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    static byte[] readExactly(java.io.InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("expected " + n + " bytes, got " + b.length);
        }
        return b;
    }
}
