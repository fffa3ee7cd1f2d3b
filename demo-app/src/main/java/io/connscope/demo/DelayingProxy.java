package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/** A TCP relay that holds the server's first bytes back for a while, like a slow network or an overloaded server. */
final class DelayingProxy {

    private DelayingProxy() {
    }

    /** Relays the accepted client to the target port until both sides have closed, closing gracefully. */
    static void relay(Socket client, int targetPort, int delayMillis) throws Exception {
        client.setTcpNoDelay(true);
        try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            target.setTcpNoDelay(true);
            Thread up = new Thread(() -> pump(client, target, 0), "proxy-up");
            up.start();
            pump(target, client, delayMillis);
            up.join();
        }
    }

    /** Copies one direction; at its end of stream, half-closes the other side so the close travels on. */
    private static void pump(Socket from, Socket to, int firstDelayMillis) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            boolean first = true;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (first && firstDelayMillis > 0) {
                    Thread.sleep(firstDelayMillis);
                }
                first = false;
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            // the other side went away: the relay ends
        }
    }
}
