package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A request/response protocol on one plain Socket: the request goes out in four small writes (the
 * pattern that meets Nagle, hence TCP_NODELAY), the 64-byte answer comes back in one.
 */
final class RawSocketRpc implements Workload {

    static final int REQUEST_PART = 16;
    static final int PARTS = 4;
    static final int RESPONSE = 64;

    private final ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final Thread server;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] part = new byte[REQUEST_PART];
    private final byte[] response = new byte[RESPONSE];

    RawSocketRpc() throws IOException {
        server = new Thread(this::serve, "raw-socket-server");
        server.setDaemon(true);
        server.start();
        socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            s.setTcpNoDelay(true);
            InputStream sin = s.getInputStream();
            OutputStream sout = s.getOutputStream();
            byte[] request = new byte[REQUEST_PART * PARTS];
            byte[] answer = new byte[RESPONSE];
            while (true) {
                Drain.exactly(sin, request);
                sout.write(answer);
            }
        } catch (IOException e) {
            // the client closed: the workload is over
        }
    }

    @Override
    public void request() throws IOException {
        for (int i = 0; i < PARTS; i++) {
            out.write(part);
        }
        Drain.exactly(in, response);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        listener.close();
        server.join(5000);
    }
}
