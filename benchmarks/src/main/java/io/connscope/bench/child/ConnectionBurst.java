package io.connscope.bench.child;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Child JVM main for the report benchmark: N HTTP/1.1 exchanges, each on a new loopback connection to
 * a server in this JVM, so that connscope follows 2 × N connections (the client's and the server's
 * side), each with its exchange, and draws them in its HTML report at exit. Arguments: N.
 */
public final class ConnectionBurst {

    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        .getBytes(StandardCharsets.US_ASCII);

    private ConnectionBurst() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> serve(server), "server");
            serving.setDaemon(true);
            serving.start();
            for (int i = 0; i < count; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.getOutputStream().write(("GET /item/" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                }
            }
        }
        System.out.println("burst exchanges=" + count + " millis=" + (System.nanoTime() - start) / 1_000_000);
    }

    private static void serve(ServerSocket server) {
        byte[] head = new byte[1024];
        while (true) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                int n = 0;
                // the request's head is one small write; read until its blank line
                while (n < head.length && !headEnded(head, n)) {
                    int r = in.read(head, n, head.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                OutputStream out = s.getOutputStream();
                out.write(RESPONSE);
            } catch (Exception e) {
                return;
            }
        }
    }

    private static boolean headEnded(byte[] b, int n) {
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }
}
